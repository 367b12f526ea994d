namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Waits for a growing count (bytes pulled from upstream while a client is paused) to stop growing, failing as
/// soon as it passes a ceiling. A gateway that buffered would pass the ceiling; one with backpressure settles.
/// </summary>
internal static class Plateau
{
    public static async Task<long> WaitAsync(Func<long> read, long ceiling, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long last = -1;
        var unchanged = 0;
        while (unchanged < 10)
        {
            var value = read();
            Assert.True(value <= ceiling, $"{what}: {value} bytes is over the ceiling of {ceiling}");
            unchanged = value == last && value > 0 ? unchanged + 1 : 0;
            last = value;
            Assert.True(DateTime.UtcNow < deadline, $"{what}: still moving at {value} bytes");
            await Task.Delay(100);
        }

        return last;
    }
}
