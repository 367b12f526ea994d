namespace StreamForge.Gateway.Tests.Throttling;

/// <summary>
/// A manual clock with Stopwatch's Linux frequency (1 ns per timestamp tick), unlike FakeTimeProvider's 100 ns:
/// the bucket must convert between timestamp ticks and TimeSpan ticks correctly for either.
/// </summary>
internal sealed class NanosecondTimeProvider : TimeProvider
{
    private long _nanoseconds = 1_000_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Interlocked.Read(ref _nanoseconds);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _nanoseconds, by.Ticks * 100);
}
