using Microsoft.AspNetCore.Authentication;

namespace StreamForge.Gateway.Security;

/// <summary>API keys accepted for writes: key name (the principal's name) to secret, read from <c>StreamForge:Auth:ApiKeys</c>.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    public string HeaderName { get; set; } = "X-Api-Key";

    public IReadOnlyDictionary<string, string> Keys { get; set; } = new Dictionary<string, string>();
}
