using Microsoft.AspNetCore.Http;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Security;

// What reaches middleware over HTTP/2 is checked here; a raw frame client (browsers and curl never send these)
// showed Kestrel serving them: a PUT with Transfer-Encoding stored, one beside Content-Length forwarded chunked.
public sealed class RequestFramingGuardTests
{
    [Theory]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Connection", "keep-alive")]
    [InlineData("Upgrade", "websocket")]
    public void A_connection_specific_field_makes_an_HTTP_2_request_malformed(string name, string value)
    {
        var problem = RequestFramingGuardMiddleware.FindProblem(Request("HTTP/2", ("Host", "media.example"), (name, value)));

        Assert.Equal(StatusCodes.Status400BadRequest, problem?.Status);
        Assert.Equal("invalid_framing", problem?.Code);
    }

    [Fact]
    public void An_HTTP_2_request_without_an_authority_is_refused()
    {
        Assert.Equal("invalid_host", RequestFramingGuardMiddleware.FindProblem(Request("HTTP/2"))?.Code);
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/1.1")]
    public void An_ordinary_request_passes(string protocol)
    {
        Assert.Null(RequestFramingGuardMiddleware.FindProblem(Request(protocol, ("Host", "media.example"), ("Range", "bytes=0-"))));
    }

    [Fact]
    public void HTTP_1_1_keeps_its_own_rules_for_Upgrade_and_Keep_Alive()
    {
        Assert.Null(RequestFramingGuardMiddleware.FindProblem(Request("HTTP/1.1", ("Host", "h"), ("Upgrade", "websocket"), ("Keep-Alive", "timeout=5"))));
    }

    private static HttpRequest Request(string protocol, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = protocol;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }
}
