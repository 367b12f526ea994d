namespace StreamForge.Gateway.Configuration;

/// <summary>Collects every configuration problem so start-up reports them all at once.</summary>
internal sealed class ConfigurationErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> All => _errors;

    public void Add(string path, string problem) => _errors.Add($"{path}: {problem}");

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new GatewayConfigurationException(_errors);
        }
    }
}
