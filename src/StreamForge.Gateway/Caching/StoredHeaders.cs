namespace StreamForge.Gateway.Caching;

/// <summary>
/// The header fields a stored response is replayed with (RFC 9111 section 3.1), one entry per field line, in the
/// order received. Left out: hop-by-hop fields (RFC 9110 section 7.6.1: Connection, Keep-Alive, Proxy-*, TE,
/// Trailer, Transfer-Encoding, Upgrade, and whatever Connection lists), Content-Length and Content-Range (the
/// engine writes its own for what it sends from slices), Set-Cookie and Set-Cookie2 (never replayed to another client; such
/// responses are not stored at all, see <see cref="OriginCacheRules"/>) and Age (the cache computes its own,
/// section 5.1). Date is kept: it is the origin's, and the age calculation needs it.
/// </summary>
internal sealed record StoredHeaders(IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    private static readonly HashSet<string> Excluded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Content-Length", "Content-Range", "Set-Cookie", "Set-Cookie2", "Age",
    };

    /// <summary>
    /// Fields a 304 does not replace: the stored bytes depend on their coding, and RFC 9111 section 3.2 lets a
    /// cache keep "header fields that the cache's stored response depends upon".
    /// </summary>
    private static readonly HashSet<string> KeptOnUpdate = new(StringComparer.OrdinalIgnoreCase) { "Content-Encoding" };

    /// <summary>The storable fields of a response: its headers, then its content headers.</summary>
    public static StoredHeaders From(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new StoredHeaders(Storable(ResponseFields.All(response)).ToList());
    }

    /// <summary>
    /// Freshens the stored fields with a 304 (RFC 9111 sections 3.2 and 4.3.4): every field the 304 carries,
    /// except those excluded from storage and Content-Encoding, replaces all stored lines of that name; the others stay.
    /// </summary>
    public StoredHeaders UpdatedBy(HttpResponseMessage notModified)
    {
        ArgumentNullException.ThrowIfNull(notModified);
        var updates = Storable(ResponseFields.All(notModified)).Where(f => !KeptOnUpdate.Contains(f.Key)).ToList();
        var replaced = new HashSet<string>(updates.Select(f => f.Key), StringComparer.OrdinalIgnoreCase);
        return new StoredHeaders([.. Fields.Where(f => !replaced.Contains(f.Key)), .. updates]);
    }

    /// <summary>The first line of a field, case-insensitive; null when absent.</summary>
    public string? Get(string name) => GetAll(name).FirstOrDefault();

    /// <summary>Every line of a field, in order.</summary>
    public IEnumerable<string> GetAll(string name) => ResponseFields.GetAll(Fields, name);

    private static IEnumerable<KeyValuePair<string, string>> Storable(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var connectionOptions = new HashSet<string>(
            FieldList.Members(ResponseFields.GetAll(fields, "Connection")),
            StringComparer.OrdinalIgnoreCase);
        return fields.Where(f =>
            !Excluded.Contains(f.Key)
            && !connectionOptions.Contains(f.Key)
            && !f.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase));
    }
}
