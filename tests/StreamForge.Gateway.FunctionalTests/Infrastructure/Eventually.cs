namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Waits for a condition that another process makes true (a temp file removed after an abort), polling it;
/// the timeout only bounds a failing test, it is never what makes a passing one pass.
/// </summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 60) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutSeconds);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
