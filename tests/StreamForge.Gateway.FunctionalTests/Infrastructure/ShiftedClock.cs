namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>The system clock moved forward on demand: how a test lets a day pass (an upload expires) at once.</summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
}
