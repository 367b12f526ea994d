namespace StreamForge.Bench;

/// <summary>A measurement or set-up step that failed in an expected way (a server died, a wrong status).</summary>
internal sealed class BenchException(string message, Exception? inner = null) : Exception(message, inner);
