using Yarp.ReverseProxy.Forwarder;

namespace StreamForge.Gateway.Proxy;

/// <summary>A failure of the origin's side of the body, as YARP would have reported it from its own copy.</summary>
internal sealed class OriginBodyError(Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error => ForwarderError.ResponseBodyDestination;

    public Exception? Exception => exception;
}
