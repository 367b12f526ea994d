namespace StreamForge.Gateway.Security;

/// <summary>How writers authenticate (<c>StreamForge:Auth</c>): API keys and/or JWT bearer tokens.</summary>
/// <param name="JwtSigningKey">Base64 HMAC key, for tokens issued by a service that shares it (no Authority needed).</param>
internal sealed record AuthSettings(
    IReadOnlyDictionary<string, string> ApiKeys,
    string ApiKeyHeader,
    string? JwtAuthority,
    string? JwtAudience,
    string? JwtIssuer,
    string? JwtSigningKey)
{
    public bool HasJwt => JwtAuthority is not null || JwtSigningKey is not null;
}
