using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>A form whose framing is broken is the client's error: 400 with a code, nothing stored.</summary>
public sealed class MalformedFormTests
{
    [Fact]
    public async Task A_form_cut_off_mid_headers_gets_400()
    {
        using var folder = new TempFolder("malformed");
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{folder.Path}/")
            .Route("malformed-forms", "/f/{**key}", "files", writeAccess: "Anonymous"));
        var content = new StringContent("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await gateway.Client.PostAsync("/f/a.bin", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("upload_incomplete", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(File.Exists(Path.Combine(folder.Path, "a.bin")));
    }
}
