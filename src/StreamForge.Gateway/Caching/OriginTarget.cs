namespace StreamForge.Gateway.Caching;

/// <summary>
/// Where and how the cache asks an HTTP origin for a request's object: YARP's client for the cluster, the URL after
/// the route's transforms, and the request headers to send (the client's, minus those the cache decides itself:
/// Range, conditionals, Accept-Encoding and cache directives).
/// </summary>
internal sealed record OriginTarget(HttpMessageInvoker Client, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, TimeSpan Timeout)
{
    public HttpRequestMessage NewRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Uri) { Version = System.Net.HttpVersion.Version11 };
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Stored bytes are served to every client: keep them as the origin stores them, not encoded for one.
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        return request;
    }
}
