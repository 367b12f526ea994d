using System.Net;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// s3rver through tests/tools/s3server/start.js on a loopback port, with one bucket. Objects are written with
/// plain unsigned PUTs (s3rver checks no signatures), which keeps the upload of a sparse 4 GiB file simple.
/// </summary>
internal sealed class S3Server : IDisposable
{
    public const string Bucket = "bench";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    /// <summary>
    /// V8 frees the Buffers s3rver streams a body through (64 KiB each) on a background thread. With client, proxy and
    /// s3rver sharing 2 cores, Node then fell for tens of seconds at a time into a full mark-compact every 40-50 ms
    /// (230-250 per 8 GiB read instead of 0-12; s3rver's user CPU 0.6 instead of 0.15 s/GB; 0.7-0.9 instead of
    /// 1.2-1.3 GB/s on 8 streams), whoever was reading, and that decided which contender's rounds were slow (by hand,
    /// node 20 with --trace-gc). Swept on the main thread, s3rver ran at its fast figure in every round.
    /// </summary>
    private const string SweepArrayBuffersOnTheMainThread = "--no-concurrent-array-buffer-sweeping";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

    private S3Server(ChildProcess process, Uri serviceUrl)
    {
        Process = process;
        ServiceUrl = serviceUrl;
    }

    public ChildProcess Process { get; }

    public Uri ServiceUrl { get; }

    /// <param name="requestLog">A file for the launcher's <c>--request-log</c> (one JSON line per request); null for none.</param>
    public static async Task<S3Server> StartAsync(string launcher, string dataDir, string logDir, string name = "s3rver", string? requestLog = null)
    {
        // stdin stays open (ChildProcess redirects it): the launcher exits when it closes, i.e. with the bench.
        string[] extra = requestLog is null ? [] : ["--request-log", requestLog];
        var process = ChildProcess.Start(name, "node", [SweepArrayBuffersOnTheMainThread, launcher, "--port", "0", "--directory", dataDir, "--bucket", Bucket, .. extra],
            Path.Combine(logDir, $"{name}.log"));
        var line = await process.WaitForLineAsync("S3RVER_LISTENING", TimeSpan.FromSeconds(30));
        var port = int.Parse(line.Split("port=")[1].Trim());
        return new S3Server(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async Task PutFileAsync(string key, string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentLength = file.Length;
        using var response = await _http.PutAsync(ObjectUri(key), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"s3rver PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async Task<long?> LengthAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, ObjectUri(key));
        using var response = await _http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? response.Content.Headers.ContentLength : null;
    }

    public async Task DeleteAsync(string key)
    {
        using var response = await _http.DeleteAsync(ObjectUri(key));
    }

    public void Dispose()
    {
        _http.Dispose();
        Process.Dispose();
    }

    private Uri ObjectUri(string key) => new(ServiceUrl, $"{Bucket}/{key}");
}
