using System.Security.Cryptography;
using System.Text;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// The current, validated <c>StreamForge</c> settings. Read at start-up, and again whenever YARP loads a changed
/// configuration (see Routing/RouteResolver.cs), so that routes and the policies they name change together. A changed
/// configuration is only a candidate until YARP has applied it (Routing/SettingsCommitListener.cs): one that fails
/// the gateway's validation or YARP's own is refused as a whole, and <see cref="Current"/>, which CORS, compression
/// and media types read, stays what it was.
/// </summary>
internal sealed class GatewaySettingsSource(GatewaySettings initial, IConfiguration configuration, string contentRoot)
{
    private readonly Lock _gate = new();
    private GatewaySettings _current = initial;
    private string _fingerprint = Fingerprint(configuration);
    private GatewaySettings? _candidate;
    private string? _candidateFingerprint;

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

    /// <summary>The settings of a changed configuration YARP is loading and has not applied yet; null when none is.</summary>
    public GatewaySettings? Candidate
    {
        get
        {
            lock (_gate)
            {
                return _candidate;
            }
        }
    }

    /// <summary>
    /// The settings for the configuration as it is now, for the routes YARP is loading; throws
    /// <see cref="GatewayConfigurationException"/> listing every problem. A changed configuration's settings become
    /// <see cref="Current"/> only with <see cref="Commit"/>.
    /// </summary>
    public GatewaySettings ReloadIfChanged()
    {
        var fingerprint = Fingerprint(configuration);
        lock (_gate)
        {
            if (fingerprint == _fingerprint)
            {
                return _current;
            }

            if (fingerprint != _candidateFingerprint || _candidate is null)
            {
                _candidate = GatewaySettingsLoader.Load(configuration, contentRoot);
                _candidateFingerprint = fingerprint;
            }

            return _candidate;
        }
    }

    /// <summary>YARP applied the configuration the candidate was read from: it is current now.</summary>
    public void Commit()
    {
        lock (_gate)
        {
            if (_candidate is not null && _candidateFingerprint is not null)
            {
                _current = _candidate;
                _fingerprint = _candidateFingerprint;
            }

            _candidate = null;
            _candidateFingerprint = null;
        }
    }

    /// <summary>YARP refused the configuration the candidate was read from: the current settings stay.</summary>
    public void Discard()
    {
        lock (_gate)
        {
            _candidate = null;
            _candidateFingerprint = null;
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
