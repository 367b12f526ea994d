using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Tests.Diagnostics;

/// <summary>
/// The access log's error field for a request whose client is gone by the time its line is written: an abort only when
/// the response did not go out whole before the client left. curl closes its connection the moment it has a body's
/// last byte, which can cancel RequestAborted before the middleware ends; that was logged (and counted on the status
/// page) as client_aborted.
/// </summary>
public sealed class AccessLogErrorTests
{
    [Fact]
    public void A_whole_body_is_no_abort_when_the_client_leaves_right_after_it() =>
        Assert.Null(ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 1000));

    [Fact]
    public void A_body_cut_short_is_an_abort() =>
        Assert.Equal("client_aborted", ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 600));

    [Fact]
    public void A_body_without_a_length_handed_over_before_the_client_left_is_no_abort() =>
        Assert.Null(ErrorOf(HttpMethods.Get, 200, contentLength: null, sent: 600));

    [Theory]
    [InlineData(1000L)]
    [InlineData(null)]
    public void Writes_after_the_client_left_make_an_abort_whatever_was_counted(long? contentLength) =>
        Assert.Equal("client_aborted", ErrorOf(HttpMethods.Get, 200, contentLength, sent: 1000, wroteAfterClientLeft: true));

    [Theory]
    [InlineData("HEAD", 200)]
    [InlineData("GET", 304)]
    [InlineData("GET", 204)]
    public void A_response_without_a_body_is_whole_once_started(string method, int status) =>
        Assert.Null(ErrorOf(method, status, contentLength: 1000, sent: 0));

    [Fact]
    public void A_response_never_started_is_an_abort() =>
        Assert.Equal("client_aborted", ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 0, started: false));

    [Fact]
    public void A_handlers_own_error_code_wins() =>
        Assert.Equal("storage_failed", ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 1000, code: "storage_failed"));

    [Fact]
    public void A_body_cut_while_the_gateway_shuts_down_was_cut_by_its_drain_whatever_the_handler_said() =>
        Assert.Equal("shutdown", ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 600, code: "destinationfailed", stopping: true));

    [Fact]
    public void A_whole_body_while_the_gateway_shuts_down_is_no_cut() =>
        Assert.Null(ErrorOf(HttpMethods.Get, 200, contentLength: 1000, sent: 1000, stopping: true));

    [Fact]
    public void Bytes_written_after_the_client_left_are_not_counted_as_sent()
    {
        using var gone = new CancellationTokenSource();
        var sent = new SentBytes(gone.Token);
        sent.Add(600);
        gone.Cancel();
        sent.Add(400);

        Assert.Equal(600, sent.Count);
        Assert.True(sent.AnyAfterClientLeft);
    }

    private static string? ErrorOf(
        string method, int status, long? contentLength, long sent, bool started = true, string? code = null, bool wroteAfterClientLeft = false, bool stopping = false)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(new Response(started));
        context.Request.Method = method;
        context.Response.StatusCode = status;
        context.Response.ContentLength = contentLength;
        context.RequestAborted = new CancellationToken(canceled: true);
        var record = new AccessLogRecord(DateTimeOffset.UnixEpoch) { ErrorCode = code };
        return AccessLogMiddleware.ErrorOf(context, record, status, sent, wroteAfterClientLeft, stopping);
    }

    private sealed class Response(bool started) : HttpResponseFeature
    {
        public override bool HasStarted => started;
    }
}
