namespace StreamForge.Gateway.Configuration;

/// <summary>Thrown at start-up when the configuration is invalid; the message lists every problem.</summary>
public sealed class GatewayConfigurationException(IReadOnlyList<string> errors)
    : Exception(FormatMessage(errors))
{
    /// <summary>Every problem found, each naming the configuration path it is about.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;

    private static string FormatMessage(IReadOnlyList<string> errors) =>
        $"StreamForge Gateway configuration is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):"
        + Environment.NewLine
        + string.Join(Environment.NewLine, errors.Select(e => "  - " + e));
}
