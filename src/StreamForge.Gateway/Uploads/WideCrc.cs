using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// S3's CRCs (<c>x-amz-checksum-crc32</c>, <c>-crc32c</c>, <c>-crc64nvme</c>) with long inputs folded 256 bytes at a
/// time by 512-bit carry-less multiplies (VPCLMULQDQ); System.IO.Hashing does the rest and keeps the state.
/// </summary>
/// <remarks>
/// Why not System.IO.Hashing alone: it folds 128 bits at a time, 14.6 GB/s on the bench machine (AMD EPYC,
/// AVX-512), and that was the largest single cost of an S3 download in the gateway's own code (40 % of its user
/// CPU, tests/bench/README.md). Four 512-bit lanes fold at about 57 GB/s. The method is the one in Intel's
/// "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (2009), widened: whole blocks are
/// folded into 16 bytes whose CRC, continued from a zero register, is the register after the blocks, so
/// System.IO.Hashing finishes with those 16 bytes and the tail.
/// </remarks>
internal sealed class WideCrc : NonCryptographicHashAlgorithm
{
    private const int BlockSize = 256;

    /// <summary>Below this, setting up the fold costs more than it saves.</summary>
    private const int MinimumFoldLength = 2 * BlockSize;

    private static readonly FoldConstants Crc32Constants = FoldConstants.For32Bits(0x04C11DB7);
    private static readonly FoldConstants Crc32CConstants = FoldConstants.For32Bits(0x1EDC6F41);
    private static readonly FoldConstants Crc64NvmeConstants = FoldConstants.For64Bits(0xAD93D23594C93659);

    private readonly NonCryptographicHashAlgorithm _inner;
    private readonly FoldConstants _constants;

    private WideCrc(NonCryptographicHashAlgorithm inner, FoldConstants constants)
        : base(inner.HashLengthInBytes)
    {
        _inner = inner;
        _constants = constants;
    }

    /// <summary>Whether this machine folds 512 bits at a time; otherwise every byte goes to System.IO.Hashing.</summary>
    /// <remarks>The runtime reports 512-bit vectors as not accelerated on processors that slow down under them.</remarks>
    public static bool IsAccelerated { get; } =
        BitConverter.IsLittleEndian && Vector512.IsHardwareAccelerated && Pclmulqdq.V512.IsSupported;

    /// <summary>CRC-32 (ISO-HDLC; zlib, Ethernet, S3's CRC32).</summary>
    public static WideCrc CreateCrc32() => new(new Crc32(), Crc32Constants);

    /// <summary>CRC-32C (Castagnoli; S3's CRC32C).</summary>
    public static WideCrc CreateCrc32C() => new(new Crc32(Crc32ParameterSet.Crc32C), Crc32CConstants);

    /// <summary>CRC-64/NVME (S3's CRC64NVME, the default full-object checksum of current AWS SDKs).</summary>
    public static WideCrc CreateCrc64Nvme() => new(new Crc64(Crc64ParameterSet.Nvme), Crc64NvmeConstants);

    public override void Append(ReadOnlySpan<byte> source)
    {
        if (!IsAccelerated || source.Length < MinimumFoldLength)
        {
            _inner.Append(source);
            return;
        }

        // Each of these CRCs starts from and finishes with all ones, so the register is the hash inverted.
        Span<byte> register = stackalloc byte[sizeof(ulong)];
        _inner.GetCurrentHash(register);
        var width = _inner.HashLengthInBytes;
        Invert(register[..width]);

        var folded = source.Length / BlockSize * BlockSize;
        Span<byte> remainder = stackalloc byte[16];
        Fold(MemoryMarshal.Read<ulong>(register), source[..folded]).AsByte().CopyTo(remainder);

        // Hashing the 16 bytes from a zero register continues the CRC; the inner CRC starts from all ones,
        // which is the same as starting from zero with the first register-width bytes inverted.
        Invert(remainder[..width]);
        _inner.Reset();
        _inner.Append(remainder);
        _inner.Append(source[folded..]);
    }

    public override void Reset() => _inner.Reset();

    protected override void GetCurrentHashCore(Span<byte> destination) => _inner.GetCurrentHash(destination);

    private static void Invert(Span<byte> bytes)
    {
        foreach (ref var b in bytes)
        {
            b = (byte)~b;
        }
    }

    /// <summary>Folds whole 256-byte blocks (at least two) into 16 bytes that leave the CRC register where the blocks would.</summary>
    private Vector128<ulong> Fold(ulong register, ReadOnlySpan<byte> blocks)
    {
        ref var start = ref MemoryMarshal.GetReference(blocks);
        var lane0 = Vector512.LoadUnsafe(ref start).AsUInt64() ^ Vector512.CreateScalar(register);
        var lane1 = Vector512.LoadUnsafe(ref start, 64).AsUInt64();
        var lane2 = Vector512.LoadUnsafe(ref start, 128).AsUInt64();
        var lane3 = Vector512.LoadUnsafe(ref start, 192).AsUInt64();
        var byBlock = _constants.ByBlock;
        for (nuint offset = BlockSize; offset < (nuint)blocks.Length; offset += BlockSize)
        {
            lane0 = Fold(lane0, byBlock) ^ Vector512.LoadUnsafe(ref start, offset).AsUInt64();
            lane1 = Fold(lane1, byBlock) ^ Vector512.LoadUnsafe(ref start, offset + 64).AsUInt64();
            lane2 = Fold(lane2, byBlock) ^ Vector512.LoadUnsafe(ref start, offset + 128).AsUInt64();
            lane3 = Fold(lane3, byBlock) ^ Vector512.LoadUnsafe(ref start, offset + 192).AsUInt64();
        }

        var byLane = _constants.ByLane;
        lane1 ^= Fold(lane0, byLane);
        lane2 ^= Fold(lane1, byLane);
        lane3 ^= Fold(lane2, byLane);

        return Fold(lane3.GetLower().GetLower(), _constants.By48)
            ^ Fold(lane3.GetLower().GetUpper(), _constants.By32)
            ^ Fold(lane3.GetUpper().GetLower(), _constants.By16)
            ^ lane3.GetUpper().GetUpper();
    }

    /// <summary>Moves 128-bit pieces the distance their constants were made for (a piece's first 8 bytes are its high-order terms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Fold(Vector512<ulong> pieces, Vector512<ulong> constants) =>
        Pclmulqdq.V512.CarrylessMultiply(pieces, constants, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(pieces, constants, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> piece, Vector128<ulong> constants) =>
        Pclmulqdq.CarrylessMultiply(piece, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(piece, constants, 0x11);

    /// <summary>The multipliers that move a 128-bit piece forward by a number of bytes, for one polynomial.</summary>
    internal sealed class FoldConstants
    {
        private FoldConstants(Func<int, Vector128<ulong>> pair)
        {
            ByBlock = Vector512.Create(pair(BlockSize * 8));
            ByLane = Vector512.Create(pair(64 * 8));
            By48 = pair(48 * 8);
            By32 = pair(32 * 8);
            By16 = pair(16 * 8);
        }

        public Vector512<ulong> ByBlock { get; }

        public Vector512<ulong> ByLane { get; }

        public Vector128<ulong> By48 { get; }

        public Vector128<ulong> By32 { get; }

        public Vector128<ulong> By16 { get; }

        public static FoldConstants For32Bits(uint polynomial) => new(bits => Pair32(polynomial, bits));

        public static FoldConstants For64Bits(ulong polynomial) => new(bits => Pair64(polynomial, bits));

        /// <summary>
        /// A 32-bit CRC moved by <paramref name="bits"/>: x^(bits+32) and x^(bits-32) mod P, bit-reflected as the
        /// CRC is, over 33 bits (a reflected carry-less product comes out one bit short).
        /// </summary>
        internal static Vector128<ulong> Pair32(uint polynomial, int bits) => Vector128.Create(
            ReverseBits(PowerOfX(polynomial, bits + 32, 32), 32) << 1,
            ReverseBits(PowerOfX(polynomial, bits - 32, 32), 32) << 1);

        /// <summary>A 64-bit CRC: x^(bits+63) and x^(bits-1) mod P, reflected over 64 bits (the same one-bit shift, taken from the power).</summary>
        internal static Vector128<ulong> Pair64(ulong polynomial, int bits) => Vector128.Create(
            ReverseBits(PowerOfX(polynomial, bits + 63, 64), 64),
            ReverseBits(PowerOfX(polynomial, bits - 1, 64), 64));

        /// <summary>x^power mod P, P given without its x^degree term.</summary>
        private static ulong PowerOfX(ulong polynomial, int power, int degree)
        {
            var top = 1UL << (degree - 1);
            var mask = degree == 64 ? ulong.MaxValue : (1UL << degree) - 1;
            var remainder = 1UL;
            for (var i = 0; i < power; i++)
            {
                var carry = (remainder & top) != 0;
                remainder = (remainder << 1) & mask;
                if (carry)
                {
                    remainder ^= polynomial;
                }
            }

            return remainder;
        }

        private static ulong ReverseBits(ulong value, int width)
        {
            var reversed = 0UL;
            for (var bit = 0; bit < width; bit++)
            {
                reversed = (reversed << 1) | ((value >> bit) & 1);
            }

            return reversed;
        }
    }
}
