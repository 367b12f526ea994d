namespace StreamForge.Bench.Results;

/// <summary>g. The edge-cache phase: its own contenders (and the file-store reference), and its three measurements.</summary>
internal sealed class CacheResults
{
    /// <summary>In report order; <see cref="CacheContender.Unavailable"/> says why one was not measured.</summary>
    public List<CacheContender> Contenders { get; } = [];

    public List<CacheHitDownloadSample> Downloads { get; } = [];

    public List<CacheSmallSample> SmallObjects { get; } = [];

    public List<StampedeResult> Stampedes { get; } = [];
}

/// <param name="IsReference">The gateway's file store: no cache, the "0.9x the file store" reference.</param>
/// <param name="Unavailable">Why it was not measured (e.g. the gateway refuses the cache settings); null when it was.</param>
internal sealed record CacheContender(string Key, string Name, bool IsReference, string? Unavailable);

/// <summary>One cache-hit download: <see cref="Streams"/> concurrent GETs of the warmed large object.</summary>
/// <param name="Hits">Responses whose cache status said hit (nginx <c>X-Cache-Status: HIT</c>, gateway <c>Cache-Status: ...; hit</c>).</param>
/// <param name="CacheStatuses">Every response's cache status, distinct, as sent ("none" when the response had none).</param>
/// <param name="UpstreamBytes">What the upstream sent for the object meanwhile (0 for a true hit); null when not countable.</param>
internal sealed record CacheHitDownloadSample(string Contender, int Streams, int Round, long Bytes, double Seconds, double CpuSeconds,
    int Hits, IReadOnlyList<string> CacheStatuses, long? UpstreamBytes, string? Error)
{
    public double GigabytesPerSecond => Error is null && Seconds > 0 ? Bytes / Seconds / 1e9 : double.NaN;

    public double CpuPerGigabyte => Error is null && Bytes > 0 ? CpuSeconds / (Bytes / 1e9) : double.NaN;
}

/// <param name="WarmStatus">Cache status of a GET sent after the warming GET: "HIT" or "hit" when warming worked.</param>
/// <param name="UpstreamBytes">What the upstream sent for the object during the wrk run; null when not countable.</param>
internal sealed record CacheSmallSample(string Contender, long Size, int Round, WrkResult? Result, string? WarmStatus, long? UpstreamBytes, string? Error);

/// <summary>g.3 Cold stampede: N clients GET one object nobody has cached, at once, on a freshly started cache.</summary>
/// <param name="UpstreamBytes">Body bytes the upstream sent for the object, from its own log; null when not countable (<see cref="UpstreamNote"/>).</param>
/// <param name="ExactClients">Clients whose body had the file's length and XXH128.</param>
/// <param name="CacheStatuses">How many responses carried each cache status.</param>
/// <param name="PeakRss">Sum of VmHWM over the contender's processes (reset before the clients connect).</param>
/// <param name="GatewayUpstreamBytes">The gateway's own <c>streamforge_cache_upstream_bytes_total</c>, since its fresh start (null for nginx or when not exported).</param>
internal sealed record StampedeResult(
    string Contender,
    long ObjectSize,
    int Clients,
    double Seconds,
    long? UpstreamBytes,
    int? UpstreamRequests,
    string? UpstreamNote,
    int ExactClients,
    IReadOnlyDictionary<string, int> CacheStatuses,
    long RssBefore,
    long PeakRss,
    double? GatewayUpstreamBytes,
    string? FirstClientError,
    string? Error)
{
    public double UpstreamMultiple => UpstreamBytes is { } bytes && ObjectSize > 0 ? (double)bytes / ObjectSize : double.NaN;
}
