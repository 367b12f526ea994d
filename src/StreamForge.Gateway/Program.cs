using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Hosting;

try
{
    var app = GatewayApplication.Build(new WebApplicationOptions { Args = args });
    await app.RunAsync();
    return 0;
}
catch (GatewayConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
catch (InvalidOperationException ex) when (ex.Source?.StartsWith("Yarp", StringComparison.Ordinal) == true || ex.Message.Contains("proxy config", StringComparison.OrdinalIgnoreCase))
{
    // YARP's own validation (route match syntax, duplicate ids) reports here.
    await Console.Error.WriteLineAsync($"StreamForge Gateway configuration is invalid: {ex.Message}{Environment.NewLine}{ex.InnerException?.Message}");
    return 2;
}
