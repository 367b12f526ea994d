using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>/healthz says the process lives; /readyz says every storage cluster answers.</summary>
[Collection(S3Collection.Name)]
public sealed class HealthTests(S3ServerFixture s3)
{
    [Fact]
    public async Task Ready_when_the_bucket_and_the_folder_answer()
    {
        using var folder = new TempFolder("ready");
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/")
            .Route("bucket", "/b/{**key}", "bucket")
            .Cluster("files", $"file://{folder.Path}/")
            .Route("files", "/f/{**key}", "files"));

        using var live = await gateway.Client.GetAsync("/healthz");
        using var ready = await gateway.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Not_ready_when_a_bucket_is_unreachable_but_still_alive()
    {
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3($"http://127.0.0.1:{FreePort.Next()}")
            .Cluster("bucket", "s3://media/")
            .Route("bucket", "/b/{**key}", "bucket"));

        using var live = await gateway.Client.GetAsync("/healthz");
        using var ready = await gateway.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task Not_ready_when_a_bucket_does_not_exist()
    {
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://no-such-bucket/")
            .Route("bucket", "/b/{**key}", "bucket"));

        using var ready = await gateway.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
