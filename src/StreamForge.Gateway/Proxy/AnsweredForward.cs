using Yarp.ReverseProxy.Model;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Lets YARP forward a request whose origin answer the edge cache already holds (the answer to its look at the
/// origin, not stored): the request goes through the rest of the pipeline and YARP's forwarder as any other (limits,
/// transforms, the body copy, errors), but its cluster's client hands back that answer instead of asking the origin a
/// second time. YARP takes the client from the request's <see cref="ReverseProxyFeature.Cluster"/>, which exists to be
/// replaced per request.
/// </summary>
internal static class AnsweredForward
{
    public static void Use(HttpContext context, HttpResponseMessage answer)
    {
        context.Response.RegisterForDispose(answer); // If no forward comes to take it (a limit refused the request).
        if (context.GetReverseProxyFeature() is ReverseProxyFeature proxy)
        {
            proxy.Cluster = new ClusterModel(proxy.Cluster.Config, new HttpMessageInvoker(new AnsweringHandler(answer)));
        }
    }

    private sealed class AnsweringHandler(HttpResponseMessage answer) : HttpMessageHandler
    {
        private HttpResponseMessage? _answer = answer;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _answer, null) is { } held
                ? Task.FromResult(held)
                : throw new InvalidOperationException("the held origin answer was used already");
    }
}
