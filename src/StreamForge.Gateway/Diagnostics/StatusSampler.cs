namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Once a second: each route's bytes of that second go into its history, and each live stream's current rate is
/// worked out. Doing this here keeps the copy loop to counter increments and the status page to reads.
/// </summary>
internal sealed class StatusSampler(LiveStreams live, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var last = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(last, now);
                last = now;
                foreach (var route in live.Routes)
                {
                    route.Sample(elapsed);
                }

                foreach (var stream in live.Streams)
                {
                    stream.Sample(elapsed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
