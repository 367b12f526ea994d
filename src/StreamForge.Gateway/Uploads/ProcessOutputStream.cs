using System.Diagnostics;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// The stdout of a pipe stage, read by storage at its own pace (so a slow store slows the process through the
/// OS pipe). At end of output it waits for the process and fails the final read on a non-zero exit or a failed
/// input pump: storage only commits after reading to the end, so a failed run is never stored.
/// </summary>
internal sealed class ProcessOutputStream(Process process, Task inputPump, Func<string> stderrTail, string command) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            return read;
        }

        await inputPump;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new PipeFailedException(command, process.ExitCode, stderrTail());
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
