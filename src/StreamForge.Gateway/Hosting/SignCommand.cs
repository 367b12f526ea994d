using System.Globalization;
using System.Net;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;
using Yarp.ReverseProxy.Configuration;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// <c>sign --route media --path /media/a/ --ttl 1h [--key k1] [--client 203.0.113.7]</c>: prints a signed URL path for
/// a route whose policy requires signatures, read from the same configuration the gateway runs with. A path that
/// ends with '/' signs that folder (an HLS playlist and its segments); otherwise the one object.
/// </summary>
public static class SignCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "sign";

    /// <summary>Prints the signed path to <paramref name="output"/>; returns the exit code (2 for bad input).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var options = Options(args);
        if (!options.TryGetValue("route", out var routeId) || !options.TryGetValue("path", out var path) || !options.TryGetValue("ttl", out var ttlText))
        {
            error.WriteLine("usage: sign --route <route id> --path </route/prefix/folder/ or /route/prefix/file> --ttl <30m|1h|2d|hh:mm:ss> [--key <id>] [--client <ip>]");
            return 2;
        }

        if (ParseTtl(ttlText) is not { } ttl)
        {
            error.WriteLine($"--ttl '{ttlText}' is not a duration (30m, 1h, 2d or hh:mm:ss)");
            return 2;
        }

        var app = GatewayApplication.Build(new WebApplicationOptions { Args = args }, toServe: false);
        var route = app.Services.GetServices<IProxyConfigProvider>().SelectMany(p => p.GetConfig().Routes).FirstOrDefault(r => r.RouteId == routeId);
        var prefix = route?.Match.Path is { } pattern && pattern.IndexOf("{**", StringComparison.Ordinal) is var brace and > 0 ? pattern[..brace] : null;
        if (route is null || prefix is null)
        {
            error.WriteLine($"no storage route '{routeId}' with a catch-all path (\"/media/{{**key}}\")");
            return 2;
        }

        var problems = new ConfigurationErrors();
        var (policy, _) = RouteMetadataReader.Read(routeId, route.Metadata, app.Services.GetRequiredService<GatewaySettingsSource>().Current.Policies, problems);
        if (policy.Access is not { } access)
        {
            error.WriteLine($"route '{routeId}' uses policy '{policy.Name}', which does not require signed URLs (Access:Signed)");
            return 2;
        }

        var keyId = options.GetValueOrDefault("key") ?? access.Keys.Keys.First();
        if (!access.Keys.TryGetValue(keyId, out var key) || !path.StartsWith(prefix, StringComparison.Ordinal))
        {
            error.WriteLine(access.Keys.ContainsKey(keyId) ? $"--path must start with the route's prefix '{prefix}'" : $"no key '{keyId}' in policy '{policy.Name}'");
            return 2;
        }

        var client = options.TryGetValue("client", out var clientText) ? IPAddress.Parse(clientText) : null;
        var signed = path[prefix.Length..];
        var expires = DateTimeOffset.UtcNow + ttl;
        output.WriteLine($"{prefix}{SignedUrl.CreateToken(routeId, signed, expires, keyId, key, client)}/{signed}");
        // The token covers a character prefix (Security/SignedUrl.cs): say so, since /a/index.m3u8 also opens /a/index.m3u8.bak.
        error.WriteLine($"valid until {expires:u}{(signed.EndsWith('/') || signed.Length == 0 ? $" for everything under {path}" : $" for every key whose path starts with {path}")}");
        return 0;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = args[i + 1];
            }
        }

        return options;
    }

    private static TimeSpan? ParseTtl(string text)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        var unit = text[^1];
        return double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), 'd' => TimeSpan.FromDays(amount), _ => null }
            : null;
    }
}
