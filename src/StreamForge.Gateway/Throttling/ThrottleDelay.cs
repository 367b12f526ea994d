namespace StreamForge.Gateway.Throttling;

/// <summary>
/// One throttle wait: a one-shot timer on the injected <see cref="TimeProvider"/> that completes a task with the
/// time actually waited, or cancels it and refunds the reserved bytes.
/// </summary>
/// <remarks>
/// Not <c>Task.Delay(delay, timeProvider, token)</c>, for two measured reasons: it truncates the delay to whole
/// milliseconds (sub-millisecond waits, common at high rates, completed at once), and the task of an async
/// method awaiting it completes later on the thread pool, so a test advancing a fake clock cannot tell whether
/// the wait is over. Here the task completes inside the timer callback, while its continuations still run
/// asynchronously so the copy loop never runs on the timer's thread. (The system timer itself still has
/// millisecond resolution; a wake-up that early or late is absorbed by the bucket's absolute schedule.)
/// </remarks>
internal sealed class ThrottleDelay : TaskCompletionSource<TimeSpan>
{
    private readonly TimeProvider _timeProvider;
    private readonly StreamThrottle _owner;
    private readonly int _bytes;
    private readonly long _started;
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private ITimer? _timer;

    private ThrottleDelay(TimeProvider timeProvider, StreamThrottle owner, int bytes, long started, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _timeProvider = timeProvider;
        _owner = owner;
        _bytes = bytes;
        _started = started;
        _cancellationToken = cancellationToken;
    }

    /// <param name="bytes">Reserved for this wait; refunded to the owner's shared buckets if it is canceled.</param>
    /// <param name="started">Timestamp the wait is measured from.</param>
    public static Task<TimeSpan> Start(
        TimeProvider timeProvider, TimeSpan delay, StreamThrottle owner, int bytes, long started, CancellationToken cancellationToken)
    {
        var wait = new ThrottleDelay(timeProvider, owner, bytes, started, cancellationToken);
        wait._registration = cancellationToken.UnsafeRegister(static state => ((ThrottleDelay)state!).Cancel(), wait);
        var timer = timeProvider.CreateTimer(static state => ((ThrottleDelay)state!).Elapse(), wait, delay, Timeout.InfiniteTimeSpan);
        // A full fence before the check: either Cancel sees the timer, or this sees Cancel's completion.
        Interlocked.Exchange(ref wait._timer, timer);
        if (wait.Task.IsCompleted)
        {
            timer.Dispose();
        }

        return wait.Task;
    }

    private void Elapse()
    {
        if (TrySetResult(_timeProvider.GetElapsedTime(_started)))
        {
            _registration.Unregister();
        }

        Volatile.Read(ref _timer)?.Dispose();
    }

    private void Cancel()
    {
        if (TrySetCanceled(_cancellationToken))
        {
            _owner.RefundShared(_bytes);
            Volatile.Read(ref _timer)?.Dispose();
        }
    }
}
