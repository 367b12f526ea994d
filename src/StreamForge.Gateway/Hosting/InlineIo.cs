namespace StreamForge.Gateway.Hosting;

/// <summary>
/// Runs socket completions, and Kestrel's request processing and response sends, on the socket engine's own threads
/// instead of handing each of them to the thread pool: for a stream the gateway moves, every 64 KiB chunk otherwise
/// costs two or three thread wake-ups, which on the 2-core build machine cost more CPU than the bytes themselves.
/// With it, gateway CPU per GB fell by a quarter to a third on S3, origin and file-store downloads read with curl, and
/// by 6-27 % on S3 and origin downloads in the full bench (tests/bench/README.md, "Inline I/O"). ASP.NET Core's own benchmarks pair the two settings the same way, from the same variable.
/// </summary>
/// <remarks>
/// The price is that code on the request path must never block a thread: the gateway's request path is asynchronous
/// throughout (file I/O completes on the thread pool, timers fire there). And a stream whose peers never make it wait
/// would keep its thread, so every stream takes turns with the others (<see cref="Streaming.StreamPacer"/>).
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> in the environment turns both off.
/// </remarks>
internal static class InlineIo
{
    /// <summary>The runtime's variable (System.Net.Sockets reads it once, when the first socket starts).</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Whether Kestrel runs inline, from the variable's value: exactly when the runtime's sockets do ("1" and nothing
    /// else). Unset, in a host that is not the gateway's <c>Main</c> (a test host), both stay the runtime's default.
    /// </summary>
    public static bool IsOn(string? value) => value == "1";

    public static bool Enabled => IsOn(Environment.GetEnvironmentVariable(Variable));

    /// <summary>First thing in <c>Main</c>, before any socket exists: sets the runtime's variable unless the environment did.</summary>
    public static void ApplyDefault()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
