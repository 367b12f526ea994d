using System.Xml;
using Amazon.Runtime;
using Amazon.S3;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Reads an S3 error answer to a request the gateway sent itself (<see cref="S3BodyClient"/>) into the exception
/// AWSSDK would have thrown, so that <see cref="S3ErrorTranslator"/> maps both alike.
/// The body is S3's <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;RequestId/&gt;&lt;/Error&gt;</c>
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
/// </summary>
internal static class S3ErrorResponse
{
    /// <summary>An error document is a few hundred bytes; more than this is not one and is not read.</summary>
    private const int MaxErrorBody = 16 * 1024;

    public static async Task<AmazonS3Exception> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string? code = null, message = null, requestId = null;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBody];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            (code, message, requestId) = Parse(new ArraySegment<byte>(buffer, 0, read));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or XmlException)
        {
            // The status alone still says what happened.
        }

        requestId ??= response.Headers.TryGetValues("x-amz-request-id", out var ids) ? ids.FirstOrDefault() : null;
        return new AmazonS3Exception(
            message ?? $"S3 answered {(int)status} {response.ReasonPhrase}",
            (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender,
            code ?? status.ToString(),
            requestId ?? "",
            status);
    }

    internal static (string? Code, string? Message, string? RequestId) Parse(ArraySegment<byte> document)
    {
        if (document.Count == 0)
        {
            return default;
        }

        string? code = null, message = null, requestId = null;
        using var reader = XmlReader.Create(new MemoryStream(document.Array!, document.Offset, document.Count, writable: false), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        reader.MoveToContent();
        while (!reader.EOF)
        {
            // ReadElementContentAsString already moves to the next node, so only other nodes are stepped over.
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName is "Code" or "Message" or "RequestId")
            {
                var name = reader.LocalName;
                var value = reader.ReadElementContentAsString();
                _ = name switch
                {
                    "Code" => code = value,
                    "Message" => message = value,
                    _ => requestId = value,
                };
            }
            else
            {
                reader.Read();
            }
        }

        return (code, message, requestId);
    }
}
