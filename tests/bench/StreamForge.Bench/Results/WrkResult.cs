namespace StreamForge.Bench.Results;

/// <summary>What one wrk run reported (latencies from its <c>--latency</c> distribution).</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors);
