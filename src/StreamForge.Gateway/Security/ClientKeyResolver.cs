namespace StreamForge.Gateway.Security;

/// <summary>
/// Who a request belongs to, for per-client limits: the remote address by default, or a header
/// (<c>Header:X-Api-Key</c>) set by a trusted front proxy or API key scheme.
/// </summary>
internal sealed class ClientKeyResolver
{
    public const string RemoteAddress = "RemoteAddress";
    public const string HeaderPrefix = "Header:";

    private readonly string? _header;

    private ClientKeyResolver(string? header) => _header = header;

    public static ClientKeyResolver ByRemoteAddress { get; } = new(null);

    /// <summary>Parses a <c>PartitionBy</c> setting; null when it is not understood.</summary>
    public static ClientKeyResolver? Parse(string? setting)
    {
        if (setting is null || setting.Equals(RemoteAddress, StringComparison.OrdinalIgnoreCase))
        {
            return ByRemoteAddress;
        }

        return setting.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) && setting.Length > HeaderPrefix.Length
            ? new ClientKeyResolver(setting[HeaderPrefix.Length..].Trim())
            : null;
    }

    public string Resolve(HttpContext context)
    {
        if (_header is not null && context.Request.Headers[_header] is { Count: > 0 } values && !string.IsNullOrEmpty(values[0]))
        {
            return "h:" + values[0];
        }

        // Requests without the header share the caller's address partition rather than escaping the limit.
        var address = context.Connection.RemoteIpAddress;
        return "ip:" + (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString();
    }
}
