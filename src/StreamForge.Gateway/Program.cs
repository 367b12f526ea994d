using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Hosting;

InlineIo.ApplyDefault();
try
{
    if (args is [SignCommand.Name, .. var signArgs])
    {
        return SignCommand.Run(signArgs, Console.Out, Console.Error);
    }

    var app = GatewayApplication.Build(new WebApplicationOptions { Args = args });
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (FindConfigurationError(ex) is { } configuration)
{
    // Invalid configuration, found at build time or by the first YARP load (Routing/RouteResolver.cs): exit code 2.
    await Console.Error.WriteLineAsync(configuration.Message);
    return 2;
}

static GatewayConfigurationException? FindConfigurationError(Exception? ex)
{
    for (; ex is not null; ex = ex.InnerException)
    {
        if (ex is GatewayConfigurationException configuration)
        {
            return configuration;
        }

        if (ex is AggregateException { InnerExceptions: [var only] })
        {
            return FindConfigurationError(only);
        }
    }

    return null;
}
