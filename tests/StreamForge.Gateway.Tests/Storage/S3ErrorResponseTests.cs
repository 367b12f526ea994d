using System.Text;
using StreamForge.Gateway.Storage.S3;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class S3ErrorResponseTests
{
    [Fact]
    public void Reads_code_message_and_request_id_of_an_S3_error_document()
    {
        var document = """<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>media</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>""";

        var (code, message, requestId) = S3ErrorResponse.Parse(Encoding.UTF8.GetBytes(document));

        Assert.Equal("NoSuchBucket", code);
        Assert.Equal("The specified bucket does not exist", message);
        Assert.Equal("4442587FB7D0A2F9", requestId);
    }

    [Fact]
    public void Reads_an_indented_document_and_ignores_nested_elements_of_the_same_name()
    {
        var document = "<Error>\n  <Code>SlowDown</Code>\n  <Detail><Code>inner</Code></Detail>\n  <Message>Reduce your request rate.</Message>\n</Error>";

        var (code, message, requestId) = S3ErrorResponse.Parse(Encoding.UTF8.GetBytes(document));

        Assert.Equal("SlowDown", code);
        Assert.Equal("Reduce your request rate.", message);
        Assert.Null(requestId);
    }

    [Fact]
    public void An_empty_body_has_no_fields()
    {
        Assert.Equal(default, S3ErrorResponse.Parse(Array.Empty<byte>()));
    }
}
