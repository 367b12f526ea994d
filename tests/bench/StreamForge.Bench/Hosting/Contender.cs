namespace StreamForge.Bench.Hosting;

/// <summary>One server under measurement: where it answers, and the process whose memory is its own.</summary>
/// <param name="Key">Short stable id used on the command line (<c>--contenders</c>) and in raw files.</param>
/// <param name="Upstream">The server it forwards to (nginx origin, s3rver), whose CPU is counted apart; null when
/// it serves from disk itself.</param>
internal sealed record Contender(string Key, string Name, Uri BaseUri, ManagedServer Server, Func<ChildProcess>? Upstream = null)
{
    public ChildProcess Process => Server.Process;

    public Uri UriFor(string objectName) => new(BaseUri, objectName);

    /// <summary>Its own processes and those of the server behind it.</summary>
    public IEnumerable<int> ProcessIds() => Process.Tree().Concat(Upstream?.Invoke().Tree() ?? []);
}
