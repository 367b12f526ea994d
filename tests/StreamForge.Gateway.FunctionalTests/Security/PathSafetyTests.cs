using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>Request targets that try to leave a route's prefix get 400 and touch nothing outside it.</summary>
[Collection(S3Collection.Name)]
public sealed class PathSafetyTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const string SecretContent = "outside the store";

    public static readonly TheoryData<string> HostileTargets = new()
    {
        "/files/../outside.txt",
        "/files/%2e%2e/outside.txt",
        "/files/.%2E/outside.txt",
        "/files/sub/../../outside.txt",
        "/files/./outside.txt",
        "/files/a%2Fb.txt",
        "/files/..%2Foutside.txt",
        "/files/a%2fb.txt",
        "/files/a%5Cb.txt",
        "/files/..%5Coutside.txt",
        "/files/a\\b.txt",
        "/files/a%00b.txt",
        "/files/a%01b.txt",
        "/files/a%7Fb.txt",
        "/files//outside.txt",
        "/files/a-%FF.txt", // Kestrel keeps escapes that are not UTF-8 as typed: the same key as "a-%25FF.txt"
        "/files/a%C0%AE.txt",
        "/files/a%zz.txt",
        "/files/" + new string('k', 1100),
    };

    private readonly TempFolder _folder = new("paths");
    private GatewayHost _gateway = null!;

    private string Root => _folder.Combine("root");

    private string Outside => _folder.Combine("outside.txt");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Outside, SecretContent);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("files", "/files/{**key}", "files", writeAccess: "Anonymous")
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/inside/")
            .Route("bucket", "/bucket/{**key}", "bucket", writeAccess: "Anonymous"));
    }

    [Theory]
    [MemberData(nameof(HostileTargets))]
    public async Task Hostile_reads_get_400_and_reveal_nothing(string target)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET {target} HTTP/1.1\nHost: x\n\n");

        Assert.Equal(400, status);
        Assert.DoesNotContain(SecretContent, response, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileTargets))]
    public async Task Hostile_writes_get_400_and_change_nothing_outside(string target)
    {
        var before = Directory.GetFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories).Order().ToArray();

        var (status, _) = await RawHttp.SendAsync(_gateway.Address, $"PUT {target} HTTP/1.1\nHost: x\nContent-Length: 5\n\n", "evil!"u8.ToArray());

        Assert.Equal(400, status);
        Assert.Equal(SecretContent, File.ReadAllText(Outside));
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    [Theory]
    [InlineData("/bucket/../outside/secret.txt")]
    [InlineData("/bucket/%2e%2e/outside/secret.txt")]
    [InlineData("/bucket/..%2Foutside%2Fsecret.txt")]
    public async Task S3_keys_cannot_leave_the_route_prefix(string target)
    {
        await s3.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = "outside/secret.txt",
            ContentBody = SecretContent,
        });

        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET {target} HTTP/1.1\nHost: x\n\n");

        Assert.Equal(400, status);
        Assert.DoesNotContain(SecretContent, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_pointing_outside_the_root_is_not_followed()
    {
        var outsideDir = _folder.Combine("elsewhere");
        Directory.CreateDirectory(outsideDir);
        File.WriteAllText(Path.Combine(outsideDir, "secret.txt"), SecretContent);
        Directory.CreateSymbolicLink(Path.Combine(Root, "link"), outsideDir);

        using var get = await _gateway.Client.GetAsync("/files/link/secret.txt");
        using var put = await _gateway.Client.PutAsync("/files/link/planted.txt", new StringContent("evil"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, put.StatusCode);
        Assert.False(File.Exists(Path.Combine(outsideDir, "planted.txt")));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
