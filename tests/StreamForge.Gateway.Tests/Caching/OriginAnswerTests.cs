using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

// Whether the answer to a miss's look at the origin (a GET of the first slice, no conditionals) answers the client too.
public sealed class OriginAnswerTests
{
    private static HttpResponseMessage Partial(long first, long last, long length)
    {
        var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(first, last, length);
        return response;
    }

    private static Func<string, string?> Headers(params (string Name, string Value)[] fields) =>
        name => fields.FirstOrDefault(field => string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.BadGateway)]
    public void A_status_the_range_did_not_shape_answers_any_request_without_conditionals(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Same(response, OriginAnswer.ForRequest(response, Headers(("Range", "bytes=500-")), isHead: false, validatorsSent: false));
        Assert.Null(OriginAnswer.ForRequest(response, Headers(("If-Match", "\"a\"")), isHead: false, validatorsSent: true));
        Assert.Null(OriginAnswer.ForRequest(response, Headers(("If-Range", "\"a\""), ("Range", "bytes=5-")), isHead: false, validatorsSent: false));
    }

    [Fact]
    public void A_part_that_is_the_whole_object_becomes_the_200_a_request_without_a_range_gets()
    {
        using var response = Partial(0, 999, 1000);

        Assert.Same(response, OriginAnswer.ForRequest(response, Headers(), isHead: false, validatorsSent: false));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentRange);
    }

    [Theory]
    [InlineData("bytes=0-", true)]
    [InlineData("bytes=0-999", true)]
    [InlineData("bytes=0-5000", true)]
    [InlineData("bytes=0-998", false)]
    [InlineData("bytes=1-", false)]
    [InlineData("bytes=-500", false)]
    [InlineData("bytes=0-1,5-9", false)]
    public void A_whole_object_part_answers_a_range_only_when_the_origin_would_have_sent_the_same_part(string range, bool answers)
    {
        using var response = Partial(0, 999, 1000);

        Assert.Equal(answers, OriginAnswer.ForRequest(response, Headers(("Range", range)), isHead: false, validatorsSent: false) is not null);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
    }

    [Fact]
    public void A_part_of_a_larger_object_or_an_answer_to_a_condition_answers_nobody()
    {
        using var part = Partial(0, 999, 5000);
        using var unsatisfiable = new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable);

        Assert.Null(OriginAnswer.ForRequest(part, Headers(), isHead: false, validatorsSent: false));
        Assert.Null(OriginAnswer.ForRequest(part, Headers(("Range", "bytes=0-")), isHead: false, validatorsSent: false));
        Assert.Null(OriginAnswer.ForRequest(unsatisfiable, Headers(), isHead: false, validatorsSent: false));
    }

    [Fact]
    public void A_304_answers_only_a_client_whose_own_validators_went_with_the_look()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.NotModified);
        var client = Headers(("If-None-Match", "\"a\""));

        Assert.Same(response, OriginAnswer.ForRequest(response, client, isHead: false, validatorsSent: true));
        Assert.Null(OriginAnswer.ForRequest(response, client, isHead: false, validatorsSent: false));
        Assert.Null(OriginAnswer.ForRequest(response, Headers(), isHead: false, validatorsSent: false));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_HEAD_gets_the_answer_s_headers_without_its_body(bool lengthKnown)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(new byte[5000])) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        response.Content.Headers.ContentLength = lengthKnown ? 5000 : null;

        var answer = OriginAnswer.ForRequest(response, Headers(), isHead: true, validatorsSent: false);

        Assert.NotNull(answer);
        Assert.Equal("video/mp4", answer.Content.Headers.ContentType?.MediaType);
        // No length is made up for a body whose length the origin did not send.
        Assert.Equal(lengthKnown ? 5000 : null, answer.Content.Headers.ContentLength);
        Assert.Equal(-1, (await answer.Content.ReadAsStreamAsync()).ReadByte()); // No body.
    }

    [Fact]
    public void Any_part_answers_a_HEAD_as_the_200_with_the_whole_length()
    {
        using var response = Partial(0, 0, 123_456);

        Assert.Same(response, OriginAnswer.ForRequest(response, Headers(), isHead: true, validatorsSent: false));
        Assert.Equal((HttpStatusCode.OK, 123_456L), (response.StatusCode, response.Content.Headers.ContentLength));
        Assert.Null(response.Content.Headers.ContentRange);
    }
}
