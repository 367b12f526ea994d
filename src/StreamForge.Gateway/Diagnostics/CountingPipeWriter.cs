using System.IO.Pipelines;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>A pass-through pipe writer that counts advanced bytes; no copy, one add per <see cref="Advance"/>.</summary>
internal sealed class CountingPipeWriter(PipeWriter inner, SentBytes sent) : PipeWriter
{
    public override void Advance(int bytes)
    {
        inner.Advance(bytes);
        sent.Add(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;
}
