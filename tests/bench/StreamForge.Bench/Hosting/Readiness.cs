namespace StreamForge.Bench.Hosting;

/// <summary>Waits until a started server answers HTTP, failing early (with its output) if it exits instead.</summary>
internal static class Readiness
{
    public static async Task WaitForHttpAsync(ChildProcess process, Uri uri, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new BenchException($"{process.Name} exited with code {process.ExitCode}:{Environment.NewLine}{process.Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(uri);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BenchException($"{process.Name} did not answer {uri} within {timeout.TotalSeconds} s:{Environment.NewLine}{process.Tail()}");
            }

            await Task.Delay(100);
        }
    }
}
