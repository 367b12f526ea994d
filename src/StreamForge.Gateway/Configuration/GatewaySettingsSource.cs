using System.Security.Cryptography;
using System.Text;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// The current, validated <c>StreamForge</c> settings. Read at start-up, and again whenever YARP applies a changed
/// configuration (see Routing/RouteResolver.cs), so that routes and the policies they name change together. A
/// configuration that fails validation is refused as a whole: <see cref="Current"/> stays what it was.
/// </summary>
internal sealed class GatewaySettingsSource(GatewaySettings initial, IConfiguration configuration, string contentRoot)
{
    private readonly Lock _gate = new();
    private GatewaySettings _current = initial;
    private string _fingerprint = Fingerprint(configuration);

    public GatewaySettings Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The settings for the configuration as it is now; throws <see cref="GatewayConfigurationException"/> listing every problem.</summary>
    public GatewaySettings ReloadIfChanged()
    {
        var fingerprint = Fingerprint(configuration);
        lock (_gate)
        {
            if (fingerprint == _fingerprint)
            {
                return _current;
            }

            _current = GatewaySettingsLoader.Load(configuration, contentRoot);
            _fingerprint = fingerprint;
            return _current;
        }
    }

    /// <summary>A digest of the sections the settings are read from: equal digests, equal settings.</summary>
    internal static string Fingerprint(IConfiguration configuration) => Digest(configuration.GetSection("StreamForge"), configuration.GetSection("ReverseProxy"));

    /// <summary>A short digest of every key and value below the given sections, in a stable order.</summary>
    internal static string Digest(params IConfigurationSection[] sections)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in sections.SelectMany(s => s.AsEnumerable()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8);
    }
}
