namespace StreamForge.Gateway.Diagnostics;

/// <summary>What the edge cache did for a request, as its access log line needs it, asked when the line is written.</summary>
internal interface ICacheOutcome
{
    /// <summary>Whether any of the answer came from upstream: false for a hit served whole from disk (also a stale one
    /// revalidated in the background), whose store call is the cache's, not the upstream's.</summary>
    bool Forwarded { get; }

    /// <summary>The response's Cache-Status (RFC 9211).</summary>
    string HeaderValue();
}
