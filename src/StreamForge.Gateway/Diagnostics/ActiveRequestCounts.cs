using System.Diagnostics.Metrics;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Requests in flight by method and scheme, as plain counters that <c>http.server.active_requests</c> (an observable
/// up-down counter) reads when metrics are collected.
/// </summary>
/// <remarks>
/// A synchronous up-down counter cost two tagged updates per request, each a lookup in OpenTelemetry's aggregator: the
/// largest share of the metric work on a small request (tests/bench/README.md). An interlocked add per request is not
/// measurable, and the series read the same.
/// </remarks>
internal sealed class ActiveRequestCounts
{
    /// <summary>The conventions' known methods, anything else as <c>_OTHER</c>: a client must not be able to mint series.</summary>
    private static readonly string[] Methods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "_OTHER"];

    private static readonly string[] Schemes = ["http", "https"];

    private readonly long[] _counts = new long[Methods.Length * Schemes.Length];

    /// <summary>Slots that have had a request: they are reported from then on, at zero when idle.</summary>
    private readonly bool[] _seen = new bool[Methods.Length * Schemes.Length];

    /// <summary>The method as the <c>http.request.method</c> tag gives it.</summary>
    public static string MethodTagOf(string method) => Methods[MethodIndexOf(method)];

    public void Started(HttpRequest request)
    {
        var slot = SlotOf(request);
        Volatile.Write(ref _seen[slot], true);
        Interlocked.Increment(ref _counts[slot]);
    }

    public void Ended(HttpRequest request) => Interlocked.Decrement(ref _counts[SlotOf(request)]);

    public IEnumerable<Measurement<long>> Observe()
    {
        for (var slot = 0; slot < _counts.Length; slot++)
        {
            if (Volatile.Read(ref _seen[slot]))
            {
                yield return new Measurement<long>(
                    Volatile.Read(ref _counts[slot]),
                    new("http.request.method", Methods[slot / Schemes.Length]),
                    new("url.scheme", Schemes[slot % Schemes.Length]));
            }
        }
    }

    // Kestrel's schemes are these two; the scheme does not change while a request runs.
    private static int SlotOf(HttpRequest request) => (MethodIndexOf(request.Method) * Schemes.Length) + (request.IsHttps ? 1 : 0);

    private static int MethodIndexOf(string method) => method switch
    {
        "GET" => 0,
        "HEAD" => 1,
        "PUT" => 2,
        "POST" => 3,
        "PATCH" => 4,
        "DELETE" => 5,
        "OPTIONS" => 6,
        "CONNECT" => 7,
        "TRACE" => 8,
        _ => 9,
    };
}
