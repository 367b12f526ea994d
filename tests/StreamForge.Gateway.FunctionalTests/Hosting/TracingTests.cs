using System.Collections.Concurrent;
using System.Diagnostics;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>Each storage call is a span of the gateway's ActivitySource, a child of the request's span.</summary>
[Collection(S3Collection.Name)]
public sealed class TracingTests(S3ServerFixture s3)
{
    [Fact]
    public async Task A_download_from_s3_records_a_storage_span_under_the_request_span()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "StreamForge.Gateway" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await s3.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "traced/clip.bin", ContentBody = "hello" });
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/traced/")
            .Route("traced", "/traced/{**key}", "bucket"));

        Assert.Equal("hello", await gateway.Client.GetStringAsync("/traced/clip.bin"));

        await Eventually.TrueAsync(() => spans.Any(s => s.OperationName == "storage GetObject" && (string?)s.GetTagItem("streamforge.storage.key") == "traced/clip.bin"), "a storage GetObject span");
        var storage = spans.First(s => s.OperationName == "storage GetObject" && (string?)s.GetTagItem("streamforge.storage.key") == "traced/clip.bin");
        await Eventually.TrueAsync(() => spans.Any(s => s.SpanId == storage.ParentSpanId), "the request span");
        Assert.Equal("Microsoft.AspNetCore", spans.First(s => s.SpanId == storage.ParentSpanId).Source.Name);
    }
}
