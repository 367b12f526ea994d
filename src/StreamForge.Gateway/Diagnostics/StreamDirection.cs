namespace StreamForge.Gateway.Diagnostics;

/// <summary>Which way a stream's bytes go, as the <c>direction</c> tag of stream metrics.</summary>
internal sealed record StreamDirection(string Name, bool IsTowardsClient)
{
    /// <summary>A storage object to a client.</summary>
    public static StreamDirection Download { get; } = new("download", true);

    /// <summary>A client's body into storage.</summary>
    public static StreamDirection Upload { get; } = new("upload", false);

    /// <summary>An origin's response to a client.</summary>
    public static StreamDirection ProxyResponse { get; } = new("proxy_response", true);

    /// <summary>A client's request body to an origin.</summary>
    public static StreamDirection ProxyRequest { get; } = new("proxy_request", false);
}
