using System.Net;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The content of an origin answer passed on to a HEAD: its content headers, and no body. YARP copies an answer's
/// body whatever the method (Kestrel then drops it), so a GET's answer would be read whole for nothing. Its length is
/// unknown unless the headers say it, so that no Content-Length of 0 is made up for a body that has one.
/// </summary>
internal sealed class HeadersOnlyContent : HttpContent
{
    public HeadersOnlyContent(HttpContent of)
    {
        foreach (var (name, values) in of.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.CompletedTask;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
