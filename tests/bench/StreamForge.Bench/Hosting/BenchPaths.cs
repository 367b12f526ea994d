namespace StreamForge.Bench.Hosting;

/// <summary>Where the programs the bench starts live, relative to the repository (built by tests/bench/run.sh).</summary>
internal sealed record BenchPaths(string RepoRoot)
{
    public string GatewayDll => Path.Combine(RepoRoot, "src/StreamForge.Gateway/bin/Release/net10.0/StreamForge.Gateway.dll");

    public string BareYarpDll => Path.Combine(RepoRoot, "tests/bench/BareYarp/bin/Release/net10.0/BareYarp.dll");

    public string BareUploadDll => Path.Combine(RepoRoot, "tests/bench/BareUpload/bin/Release/net10.0/BareUpload.dll");

    public string S3Launcher => Path.Combine(RepoRoot, "tests/tools/s3server/start.js");

    public string ResultsDir => Path.Combine(RepoRoot, "tests/bench/results");
}
