namespace StreamForge.Gateway.Diagnostics;

/// <summary>What is known about a stream when it starts: where, for whom, which way, how much, how paced.</summary>
/// <param name="Key">The storage key, or the request path on origin routes.</param>
/// <param name="ExpectedBytes">The body's length when known (Content-Length): the status page shows progress from it.</param>
/// <param name="Throttle">The throttle in <see cref="ThrottleLabel"/> words; null when unlimited.</param>
internal sealed record StreamStart(string Route, string Client, string Key, StreamDirection Direction, long? ExpectedBytes, string? Throttle);
