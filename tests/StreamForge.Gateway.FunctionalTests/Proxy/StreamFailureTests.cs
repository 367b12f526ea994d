using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Proxy;

/// <summary>Failures in the middle of a body: nothing may look complete, and nothing upstream may keep running.</summary>
public sealed class StreamFailureTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("failures");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("faulty", _origin.Address.ToString())
            .Route("faulty", "/faulty/{**rest}", "faulty")
            .Set("ReverseProxy:Routes:faulty:Transforms:0:PathRemovePrefix", "/faulty")
            .Cluster("stalling", _origin.Address.ToString())
            .Set("ReverseProxy:Clusters:stalling:HttpRequest:ActivityTimeout", "00:00:05")
            .Route("stalling", "/stalling/{**rest}", "stalling")
            .Set("ReverseProxy:Routes:stalling:Transforms:0:PathRemovePrefix", "/stalling")
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("failing-files", "/files/{**key}", "files"));
    }

    [Fact]
    public async Task An_origin_that_dies_mid_body_aborts_the_client_connection()
    {
        using var response = await _gateway.Client.GetAsync("/faulty/die-after/100000", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task An_origin_that_stalls_mid_body_is_cut_off_after_the_clusters_activity_timeout()
    {
        // /gated sends half its body and then waits for a gate this test never opens. The gateway copies origin
        // bodies itself (Proxy/OriginResponseCopy.cs), with YARP's meaning of the cluster's activity timeout; the
        // route's stall timeout (30 s by default) is for the client's side. A request through the same cluster warms both
        // hosts and the cluster's connection up first: on a loaded machine, compiling the first request took a 1 s timeout.
        using (var warm = await _gateway.Client.GetAsync("/stalling/no-ranges/16"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var response = await _gateway.Client.GetAsync("/stalling/gated", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_origin_request_and_the_gateway_serves_on()
    {
        using (var response = await _gateway.Client.GetAsync("/faulty/endless", HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[TestData.MiB];
            await body.ReadAtLeastAsync(buffer, buffer.Length);
        }

        // The origin itself observes its connection closing: the gateway did not keep reading.
        await _origin.EndlessAborted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var next = await _gateway.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_download_from_storage_leaves_the_gateway_serving()
    {
        // Large (sparse) on purpose: Kestrel signals RequestAborted from the thread pool, so a small remainder
        // could be "written" into the dead connection before the signal lands, and the stream would end as sent.
        using (var file = File.Create(Path.Combine(_folder.Path, "big.bin")))
        {
            file.SetLength(4L * 1024 * 1024 * 1024);
        }

        var expected = TestData.CreateFile(Path.Combine(_folder.Path, "small.bin"), TestData.MiB);
        using var aborted = new RouteMeter("streamforge.streams.aborted", "failing-files");
        using (var response = await _gateway.Client.GetAsync("/files/big.bin", HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsStreamAsync();
            await body.ReadAtLeastAsync(new byte[TestData.MiB], TestData.MiB);
        }

        await Eventually.TrueAsync(() => aborted.Total > 0, "the gateway notices the client is gone");
        using var next = await _gateway.Client.GetAsync("/files/small.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(expected, await TestData.Sha256Async(await next.Content.ReadAsStreamAsync()));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
