using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Proxy;

/// <summary>
/// RFC 9110 sections 7.6.1 and 7.6.3 on an origin route: fields named by Connection go no further, either way, and
/// the forwarded request carries Via. The origin is a raw socket, since a server framework would handle Connection itself.
/// </summary>
public sealed class HopByHopTests : IAsyncLifetime
{
    private readonly TcpListener _origin = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin.Start();
        _ = ServeAsync();
        var port = ((IPEndPoint)_origin.LocalEndpoint).Port;
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", $"http://127.0.0.1:{port}/")
            .Route("origin", "/origin/{**rest}", "origin")
            .Set("ReverseProxy:Routes:origin:Transforms:0:PathRemovePrefix", "/origin"));
    }

    [Fact]
    public async Task Fields_named_by_Connection_stay_on_their_hop_and_the_request_says_Via()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/origin/echo");
        request.Headers.Connection.Add("X-Drop");
        request.Headers.Add("X-Drop", "client secret");
        request.Headers.Add("X-Keep", "passed on");
        request.Headers.Via.Add(new System.Net.Http.Headers.ViaHeaderValue("1.0", "earlier-proxy"));
        using var response = await _gateway.Client.SendAsync(request);
        var forwarded = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("X-Drop", forwarded, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Keep: passed on", forwarded, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Via: 1.0 earlier-proxy, 1.1 streamforge", forwarded, StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("X-Secret"));
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Kept")));
    }

    [Fact]
    public async Task Max_forwards_counts_down_and_zero_ends_an_OPTIONS_here()
    {
        using var forwarded = new HttpRequestMessage(HttpMethod.Options, "/origin/echo") { Headers = { { "Max-Forwards", "3" } } };
        using var lastHop = new HttpRequestMessage(HttpMethod.Options, "/origin/echo") { Headers = { { "Max-Forwards", "0" } } };
        using var trace = new HttpRequestMessage(HttpMethod.Trace, "/origin/echo") { Headers = { { "Max-Forwards", "0" } } };

        using var passedOn = await _gateway.Client.SendAsync(forwarded);
        using var answeredHere = await _gateway.Client.SendAsync(lastHop);
        using var traced = await _gateway.Client.SendAsync(trace);

        Assert.Contains("Max-Forwards: 2", await passedOn.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, answeredHere.StatusCode);
        Assert.Contains("GET", answeredHere.Content.Headers.Allow);
        Assert.Equal(string.Empty, await answeredHere.Content.ReadAsStringAsync()); // Not the origin's echo.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, traced.StatusCode);
    }

    [Fact]
    public async Task TRACE_is_never_forwarded_so_no_origin_echoes_a_pages_cookies()
    {
        using var trace = new HttpRequestMessage(HttpMethod.Trace, "/origin/echo") { Headers = { { "Cookie", "session=secret" } } };

        using var response = await _gateway.Client.SendAsync(trace);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.DoesNotContain("session=secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CONNECT_is_refused_not_forwarded_on_a_catch_all_route()
    {
        var port = ((IPEndPoint)_origin.LocalEndpoint).Port;
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", $"http://127.0.0.1:{port}/")
            .Route("all", "/{**rest}", "origin"));

        // The gateway is no forward proxy. YARP, asked to forward it, failed: 502 upstream_failed, an "origin outage".
        var (status, response) = await RawHttp.SendAsync(gateway.Address, "CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n\n");

        Assert.Equal(405, status);
        Assert.Contains("method_not_allowed", response, StringComparison.Ordinal);
        Assert.Contains("Allow: GET", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_origins_204_with_a_Content_Length_goes_out_as_a_204_without_one()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, "GET /origin/no-content HTTP/1.1\nHost: x\n\n");

        Assert.Equal(204, status); // was a bare 500: Kestrel waited for the 10 bytes promised
        Assert.DoesNotContain("Content-Length", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_origins_chunked_answer_with_a_Content_Length_beside_is_passed_on_whole()
    {
        // The gateway's copy waited for the 50 bytes promised, then cut the connection after "hello world".
        using var response = await _gateway.Client.GetAsync("/origin/chunked-and-length");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello world", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OPTIONS_star_asks_about_the_server_and_is_answered_with_its_methods()
    {
        // RFC 9110 section 9.3.7: the asterisk-form names no resource, so no route matches it; it is not a 404.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, "OPTIONS * HTTP/1.1\nHost: x\n\n");

        Assert.Equal(200, status);
        Assert.Contains("Allow: GET, HEAD, OPTIONS", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Length: 0", response, StringComparison.OrdinalIgnoreCase);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _stop.CancelAsync();
        _origin.Stop();
        _stop.Dispose();
    }

    /// <summary>Answers each request on a kept-alive connection with its own head, and names X-Secret in Connection.</summary>
    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _origin.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.Latin1);
            try
            {
                while (true)
                {
                    var head = new StringBuilder();
                    string? line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        head.Append(line).Append('\n');
                    }

                    if (line is null)
                    {
                        return;
                    }

                    if (head.ToString().StartsWith("GET /no-content ", StringComparison.Ordinal))
                    {
                        // RFC 9110 section 8.6 says a 204 has no Content-Length; some origins send one anyway.
                        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"u8.ToArray(), _stop.Token);
                        continue;
                    }

                    if (head.ToString().StartsWith("GET /chunked-and-length ", StringComparison.Ordinal))
                    {
                        // Both framings: chunked outranks the length (RFC 9112 section 6.3), which here promises more.
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"u8.ToArray(), _stop.Token);
                        continue;
                    }

                    var body = Encoding.Latin1.GetBytes(head.ToString());
                    var answer = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: keep-alive, X-Secret\r\nX-Secret: origin secret\r\nX-Kept: yes\r\n\r\n";
                    await stream.WriteAsync(Encoding.Latin1.GetBytes(answer).Concat(body).ToArray(), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The gateway closed its pooled connection, or the test ended.
            }
        }
    }
}
