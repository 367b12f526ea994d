using System.Buffers;
using Microsoft.Win32.SafeHandles;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// One upstream read of one slice into the cache: the bytes go to a temp file beside the slice's final name, are
/// published as they land (so waiters stream them while the fill goes on, read-while-write), and the file is
/// renamed onto the final name only once its length is right. A crash mid-fill leaves a temp file that the next
/// start deletes, never a torn slice. The fill runs on its own, not on any client's cancellation: a client that
/// hangs up does not cut the slice short for the others, and nobody starts the next slice unless a reader needs it.
/// </summary>
internal sealed class SliceFill
{
    private readonly Lock _gate = new();
    private readonly string _tempPath;
    private readonly string _finalPath;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SafeFileHandle? _writer;
    private long _published;
    private int _stateValue;

    /// <summary>Creates the temp file at once, so a waiter that joins can always open what the fill writes.</summary>
    public SliceFill(string finalPath, ByteSpan span)
    {
        _finalPath = finalPath;
        _tempPath = $"{finalPath}.{Guid.NewGuid():N}.tmp";
        Span = span;
        _writer = File.OpenHandle(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
    }

    /// <summary>The object bytes this slice holds.</summary>
    public ByteSpan Span { get; }

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Why the fill failed, once it has.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The failure was the cache's disk (full, unwritable), not upstream.</summary>
    public bool DiskFailed { get; private set; }

    /// <summary>Completes (never faults) when the fill has committed or failed.</summary>
    public Task Done => _done.Task;

    /// <summary>Completes when more bytes are published or the fill ends; take it before reading <see cref="Published"/>.</summary>
    public Task Progress => Volatile.Read(ref _progress).Task;

    public bool Failed => (FillState)Volatile.Read(ref _stateValue) == FillState.Failed;

    /// <summary>
    /// A read handle on what this fill writes (the temp file while it runs, the slice once committed), or null when
    /// the fill failed or its slice was discarded: the reader then reads upstream itself.
    /// </summary>
    public SafeFileHandle? OpenReader()
    {
        lock (_gate)
        {
            var path = State switch
            {
                FillState.Running => _tempPath,
                FillState.Committed => _finalPath,
                _ => null,
            };
            try
            {
                return path is null ? null : File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (IOException)
            {
                return null; // Evicted already: read upstream.
            }
        }
    }

    /// <summary>
    /// Copies <see cref="Span"/>'s bytes from <paramref name="source"/> (positioned at the span's first byte) into the
    /// temp file, then commits it when <paramref name="keep"/> still holds. The source is the caller's to dispose: a
    /// chained fill reads the next slice from it.
    /// </summary>
    /// <param name="onCommitted">Runs once the slice is under its final name, before its last bytes are published.</param>
    /// <returns>True when the slice was committed under its final name.</returns>
    public async Task<bool> RunAsync(
        Func<CancellationToken, Task<Stream>> source, FillOptions options, Func<bool> keep, Action<long> upstreamBytes, Action onCommitted, CancellationToken stopping)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.ChunkSize);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(options.StallTimeout);
            var body = await source(timeout.Token);
            long written = 0;
            while (written < Span.Length)
            {
                timeout.CancelAfter(options.StallTimeout);
                var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, Span.Length - written)), timeout.Token);
                if (read == 0)
                {
                    throw new IOException($"upstream ended the slice after {written} of {Span.Length} bytes");
                }

                upstreamBytes(read);
                await WriteAsync(buffer.AsMemory(0, read), written, timeout.Token);
                written += read;
                if (written < Span.Length)
                {
                    Publish(written);
                }
            }

            // The last bytes go out only once the slice is stored: a client that has its whole body and asks again
            // finds it on disk (a hit), not in a fill that is still ending (a partial hit, collapsed).
            var committed = Commit(keep());
            if (committed)
            {
                onCommitted();
            }

            Publish(written);
            return committed;
        }
        catch (Exception ex)
        {
            Fail(ex);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Signal();
            _done.TrySetResult();
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(_writer!, bytes, offset, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DiskFailed = true;
            throw;
        }
    }

    private bool Commit(bool keep)
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            try
            {
                if (!keep)
                {
                    File.Delete(_tempPath);
                    State = FillState.Discarded;
                    return false;
                }

                File.Move(_tempPath, _finalPath, overwrite: true);
                State = FillState.Committed;
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                State = FillState.Discarded; // The entry was purged while this slice was filling.
                return false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                DiskFailed = true;
                Failure = ex;
                State = FillState.Failed;
                TryDelete(_tempPath);
                return false;
            }
        }
    }

    /// <summary>Ends a chained fill that nobody needs any more before it wrote anything; its readers go upstream.</summary>
    public void Abandon()
    {
        Fail(new OperationCanceledException("nobody reads this slice any more"));
        Signal();
        _done.TrySetResult();
    }

    private void Fail(Exception ex)
    {
        lock (_gate)
        {
            Failure = ex;
            State = FillState.Failed;
            _writer?.Dispose();
            _writer = null;
            TryDelete(_tempPath);
        }
    }

    private void Publish(long length)
    {
        Interlocked.Exchange(ref _published, length);
        Signal();
    }

    private void Signal()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _progress, next).TrySetResult();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the start-up scan, which deletes every temp file.
        }
    }

    private FillState State
    {
        get => (FillState)Volatile.Read(ref _stateValue);
        set => Volatile.Write(ref _stateValue, (int)value);
    }

    private enum FillState
    {
        Running,
        Committed,
        Discarded,
        Failed,
    }
}
