namespace StreamForge.Gateway.Configuration;

/// <summary>Collects every configuration problem so start-up reports them all at once.</summary>
internal sealed class ConfigurationErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> All => _errors;

    public void Add(string path, string problem) => _errors.Add($"{path}: {problem}");

    /// <summary>Reports every child of <paramref name="section"/> that is not a known key: a typo must not fall back to a default.</summary>
    public void RejectUnknownKeys(IConfigurationSection section, params string[] known)
    {
        foreach (var child in section.GetChildren().Where(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            Add(child.Path, $"unknown setting; expected one of {string.Join(", ", known)}");
        }
    }

    /// <summary>Reads every named child of <paramref name="section"/> (policies by name), case-insensitively.</summary>
    public Dictionary<string, T> ReadNamed<T>(IConfigurationSection section, Func<IConfigurationSection, ConfigurationErrors, T> read)
    {
        var named = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            named[child.Key] = read(child, this);
        }

        return named;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new GatewayConfigurationException(_errors);
        }
    }
}
