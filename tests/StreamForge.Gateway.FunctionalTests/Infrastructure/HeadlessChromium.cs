namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Debian's Chromium, headless, with a fresh profile, opening one page; killed on dispose.</summary>
internal sealed class HeadlessChromium : IDisposable
{
    private readonly TempFolder _profile = new("chromium-profile");
    private readonly ExternalProcess _process;

    /// <param name="debuggingPort">When set, Chrome's DevTools protocol listens there (see <see cref="DevToolsPage"/>).</param>
    public HeadlessChromium(Uri page, int? debuggingPort = null)
    {
        // The flags that make headless Chromium play media here: no sandbox (root in a container), no GPU, no QUIC,
        // no background traffic, and autoplay without a user gesture.
        _process = new ExternalProcess(File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "chromium",
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--autoplay-policy=no-user-gesture-required", "--mute-audio", $"--user-data-dir={_profile.Path}",
            .. debuggingPort is { } port ? [$"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1", "--window-size=1280,900"] : Array.Empty<string>(),
            page.ToString(),
        ]);
    }

    public void Dispose()
    {
        _process.Dispose();
        _profile.Dispose();
    }
}
