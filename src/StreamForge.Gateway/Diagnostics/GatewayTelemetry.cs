using System.Diagnostics;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>The gateway's own trace source: one span per storage call, children of the ASP.NET Core request span.</summary>
internal static class GatewayTelemetry
{
    public const string SourceName = "StreamForge.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartStorageCall(string operation, string container, string key)
    {
        var activity = Source.StartActivity($"storage {operation}", ActivityKind.Client);
        activity?.SetTag("streamforge.storage.operation", operation);
        activity?.SetTag("streamforge.storage.container", container);
        activity?.SetTag("streamforge.storage.key", key);
        return activity;
    }
}
