namespace StreamForge.Bench.Hosting;

/// <summary>One server under measurement: where it answers, and the process whose memory is its own.</summary>
/// <param name="Key">Short stable id used on the command line (<c>--contenders</c>) and in raw files.</param>
internal sealed record Contender(string Key, string Name, Uri BaseUri, ManagedServer Server)
{
    public ChildProcess Process => Server.Process;

    public Uri UriFor(string objectName) => new(BaseUri, objectName);
}
