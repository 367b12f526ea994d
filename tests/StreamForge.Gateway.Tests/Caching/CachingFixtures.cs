using System.Net;

namespace StreamForge.Gateway.Tests.Caching;

/// <summary>Origin responses built in the test, header lines added as an origin would send them.</summary>
internal static class CachingFixtures
{
    public static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    public const string NoonText = "Wed, 01 May 2024 12:00:00 GMT";
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultStaleIfError = TimeSpan.FromMinutes(10);

    public static HttpResponseMessage Response(params (string Name, string Value)[] headers) =>
        Response(HttpStatusCode.OK, headers);

    public static HttpResponseMessage Response(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                Assert.True(response.Content.Headers.TryAddWithoutValidation(name, value), name);
            }
        }

        return response;
    }
}
