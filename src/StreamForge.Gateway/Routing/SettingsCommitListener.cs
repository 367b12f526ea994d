using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using Yarp.ReverseProxy.Configuration;

namespace StreamForge.Gateway.Routing;

/// <summary>
/// Makes a changed <c>StreamForge</c> section current only once YARP has applied the routes and clusters that came
/// with it. A change YARP refuses (an unknown load-balancing policy or transform) is refused as a whole: the
/// settings read for it while its routes were resolved are dropped, and the refusal is logged as the gateway's own
/// are. Before this, such a change kept its CORS, compression and media-type settings while its routes did not apply.
/// </summary>
internal sealed class SettingsCommitListener(GatewaySettingsSource settings, ILogger<SettingsCommitListener> logger) : IConfigChangeListener
{
    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs) => settings.Commit();

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) => Refused(exception);

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) => Refused(exception);

    private void Refused(Exception exception)
    {
        settings.Discard();
        // The gateway's own problems were logged where they were found (RouteResolver).
        if (!ContainsGatewayProblem(exception))
        {
            GatewayLog.ConfigurationRefused(logger, exception.Message);
        }
    }

    private static bool ContainsGatewayProblem(Exception exception) =>
        exception is GatewayConfigurationException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(ContainsGatewayProblem))
        || (exception.InnerException is { } inner && ContainsGatewayProblem(inner));
}
