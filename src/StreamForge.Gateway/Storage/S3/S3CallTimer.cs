namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Bounds one S3 call: time to response headers, and time without progress while a request body flows. A hung
/// S3 (one that accepts connections and never answers) would otherwise hold a request forever: AWSSDK's own
/// timeouts do not cover a server that stops mid-exchange.
/// </summary>
internal sealed class S3CallTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    public S3CallTimer(S3Timeouts timeouts, CancellationToken caller)
    {
        Timeouts = timeouts;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _source.CancelAfter(timeouts.Response);
    }

    public S3Timeouts Timeouts { get; }

    /// <summary>The token to pass to the SDK call: cancelled by the caller or when the timer runs out.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True when the timer, not the caller, cancelled the call.</summary>
    public bool Expired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>The client's turn (a read from the request body): S3 is not waited on.</summary>
    public void Pause() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>S3's turn: it must take the next bytes within the stall timeout.</summary>
    public void AwaitProgress() => _source.CancelAfter(Timeouts.Stall);

    /// <summary>The body is sent: S3 must answer within the response timeout.</summary>
    public void AwaitResponse() => _source.CancelAfter(Timeouts.Response);

    /// <summary>The call answered: its body, if any, is timed by the copy loop from here on.</summary>
    public void Stop() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

    public static StorageException TimedOut(string what) =>
        new(StorageErrorKind.Timeout, $"S3 did not answer in time while {what}", retryAfter: TimeSpan.FromSeconds(1));

    public void Dispose() => _source.Dispose();
}
