namespace StreamForge.Gateway.Configuration;

/// <summary>Keys the gateway reads from a YARP route's <c>Metadata</c>.</summary>
internal static class RouteMetadataKeys
{
    public const string StreamPolicy = "StreamPolicy";
    public const string WriteAccess = "WriteAccess";
}
