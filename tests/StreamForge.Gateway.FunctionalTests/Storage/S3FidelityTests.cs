using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// Cases where the test S3 server must behave as S3 does for the gateway to be judged at all: long key segments,
/// error bodies for non-ASCII keys, and concurrent PUTs of one key (tests/tools/s3server/fidelity.js).
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3FidelityTests(S3ServerFixture s3) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/fidelity/")
            .Route("fidelity", "/fidelity/{**key}", "bucket", policy: "parts", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:parts:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:parts:Upload:SinglePutMaxSize", "4MiB"));
    }

    [Fact]
    public async Task A_key_with_a_300_byte_segment_round_trips()
    {
        var key = "long/" + new string('k', 300) + ".bin";
        var body = RandomBody(100_000, seed: 300);

        using var put = await _gateway.Client.PutAsync("/fidelity/" + key, new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await _gateway.Client.GetAsync("/fidelity/" + key);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await get.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("missing-\u00e8.bin")]
    [InlineData("missing-\u4e2d\u6587.bin")]
    [InlineData("missing-&<>.bin")]
    public async Task A_missing_key_with_special_characters_is_404(string name)
    {
        using var response = await _gateway.Client.GetAsync("/fidelity/" + Uri.EscapeDataString(name));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("object_not_found", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task Concurrent_puts_of_one_key_leave_exactly_one_whole_upload()
    {
        // Four single PutObjects and four multipart uploads (over SinglePutMaxSize) race for the same key.
        var bodies = Enumerable.Range(0, 8).Select(i => RandomBody(i < 4 ? 2 * TestData.MiB : 6 * TestData.MiB, seed: i)).ToList();
        var puts = bodies.Select(async body =>
        {
            using var response = await _gateway.Client.PutAsync("/fidelity/race/one.bin", new ByteArrayContent(body));
            return response.StatusCode;
        });
        Assert.All(await Task.WhenAll(puts), status => Assert.Equal(HttpStatusCode.OK, status));

        using var get = await _gateway.Client.GetAsync("/fidelity/race/one.bin");
        var stored = await get.Content.ReadAsByteArrayAsync();
        var winner = bodies.FindIndex(body => body.AsSpan().SequenceEqual(stored));

        Assert.True(winner >= 0, $"the stored {stored.Length} bytes are none of the uploads: a mix");
        // The ETag belongs to the same upload as the body (s3rver keeps a whole-body MD5 for multipart objects too).
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bodies[winner])), get.Headers.ETag!.Tag.Trim('"'));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static byte[] RandomBody(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        return body;
    }
}
