using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>On shutdown the gateway stops accepting, lets streams finish within the drain time, then aborts them.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_stream_in_flight_finishes_after_shutdown_begins_while_new_connections_are_refused()
    {
        await using var origin = await FaultOrigin.StartAsync();
        var gateway = await StartGatewayAsync(origin, "00:01:00");
        using var response = await gateway.Client.GetAsync("/o/gated", HttpCompletionOption.ResponseHeadersRead);
        await origin.GatedHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var stopping = gateway.App.StopAsync();
        await Eventually.TrueAsync(() => !FreePort.Accepts(gateway.Address.Port), "the gateway stops accepting connections");
        origin.Gate.TrySetResult();

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(2 * FaultOrigin.ChunkSize, body.Length);
        await stopping;
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_still_running_when_the_drain_time_ends_is_aborted()
    {
        await using var origin = await FaultOrigin.StartAsync();
        var gateway = await StartGatewayAsync(origin, "00:00:00.200");
        using var response = await gateway.Client.GetAsync("/o/gated", HttpCompletionOption.ResponseHeadersRead);
        await origin.GatedHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(15));

        await gateway.App.StopAsync();

        var body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
        // The drain cut it, not the client: it was logged as a client that left the stream.
        var line = await AccessLogFile.LineForAsync(gateway, "GET", "/o/gated");
        Assert.Equal("shutdown", line.GetProperty("error").GetString());
        await gateway.DisposeAsync();
    }

    private static Task<GatewayHost> StartGatewayAsync(FaultOrigin origin, string drainTimeout) =>
        GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", origin.Address.ToString())
            .Route("o", "/o/{**rest}", "origin")
            .Set("ReverseProxy:Routes:o:Transforms:0:PathRemovePrefix", "/o")
            .Set("StreamForge:Shutdown:DrainTimeout", drainTimeout));
}
