namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// One line of the S3 launcher's request log (<c>--request-log</c>, tests/tools/s3server/README.md "Request log"):
/// what the S3 side answered, counted there rather than by the gateway.
/// </summary>
/// <param name="Method">The request method.</param>
/// <param name="Key"><c>bucket/key</c>, percent-decoded; just <c>bucket</c> for bucket-level requests such as listings.</param>
/// <param name="Range">The request's <c>Range</c> header as sent, or null.</param>
/// <param name="IfMatch">The request's <c>If-Match</c> header as sent, or null.</param>
/// <param name="Status">The status answered.</param>
/// <param name="Bytes">Response body bytes handed to the socket (0 for HEAD, 204 and 304).</param>
/// <param name="Aborted">The connection closed before the whole response was handed to the socket.</param>
internal sealed record S3RequestRecord(string Method, string Key, string? Range, string? IfMatch, int Status, long Bytes, bool Aborted)
{
    /// <summary>The <see cref="Key"/> a request for <paramref name="key"/> in the tests' bucket is logged under.</summary>
    public static string KeyOf(string key) => S3ServerFixture.Bucket + "/" + key;
}
