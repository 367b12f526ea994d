namespace StreamForge.Gateway.Resumable;

/// <summary>The <c>Resumable</c> section of a stream policy: tus 1.0 uploads on the routes that use it.</summary>
/// <param name="MaxSize">Largest upload accepted (Tus-Max-Size); a larger Upload-Length gets 413.</param>
/// <param name="Expiration">How long an upload may sit without a PATCH before it is aborted and its bytes removed.</param>
/// <param name="KeyFromFilename">Whether a creation POSTed to the route's root takes its key from the <c>filename</c> metadata.</param>
internal sealed record ResumablePolicy(bool Enabled, long MaxSize, TimeSpan Expiration, bool KeyFromFilename)
{
    public static ResumablePolicy Disabled { get; } = new(false, 5L * 1024 * 1024 * 1024, TimeSpan.FromHours(24), false);
}
