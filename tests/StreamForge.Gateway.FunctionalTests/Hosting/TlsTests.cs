using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>
/// HTTPS from Kestrel's own configuration keys, as deploy/README.md documents them: browsers speak HTTP/2 only over
/// TLS, negotiated by ALPN on an endpoint that also takes HTTP/1.1.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("tls");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        TestData.CreateFile(_folder.Combine("root", "clip.mp4"), 300_000, seed: 9);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(_folder.Combine("tls.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(_folder.Combine("tls.key"), key.ExportPkcs8PrivateKeyPem());

        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
                .Cluster("files", $"file://{_folder.Combine("root")}/")
                .Route("files", "/files/{**key}", "files")
                .Set("Kestrel:Certificates:Default:Path", _folder.Combine("tls.crt"))
                .Set("Kestrel:Certificates:Default:KeyPath", _folder.Combine("tls.key")),
            urls: "https://127.0.0.1:0");
    }

    [Theory]
    [InlineData("--http2", "2")]
    [InlineData("--http1.1", "1.1")]
    public async Task Curl_gets_the_protocol_it_negotiates_and_every_byte_of_a_seek(string protocol, string version)
    {
        var (code, output) = await CommandLine.RunAsync("curl",
            ["-sS", "-f", "-k", protocol, "-r", "1000-299999", "-o", _folder.Combine($"part-{version}.bin"), "-w", "%{http_version} %{http_code}",
                new Uri(_gateway.Address, "/files/clip.mp4").ToString()]);

        Assert.True(code == 0, output);
        Assert.Equal($"{version} 206", output.Trim());
        var whole = await File.ReadAllBytesAsync(_folder.Combine("root", "clip.mp4"));
        Assert.Equal(TestData.Sha256(whole[1000..]), TestData.Sha256OfFile(_folder.Combine($"part-{version}.bin")));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
