namespace StreamForge.Bench.Measuring;

/// <summary>
/// What a cache said about one response: the gateway's <c>Cache-Status</c> (RFC 9211: <c>StreamForge; hit</c>,
/// <c>StreamForge; fwd=miss; collapsed</c>), or nginx's <c>X-Cache-Status</c> (<c>$upstream_cache_status</c>:
/// HIT, MISS, ...). Null when the response carries neither: no cache answered.
/// </summary>
internal static class CacheStatus
{
    public static string? Of(ResponseHead head)
    {
        if (head.Header("Cache-Status") is { } list)
        {
            // The last member is the cache nearest the client (RFC 9211 section 2): the contender itself.
            var member = list.Split(',')[^1];
            var semicolon = member.IndexOf(';');
            return semicolon < 0 ? "(no parameters)" : string.Join("; ", member[(semicolon + 1)..].Split(';').Select(p => p.Trim()).Where(p => p.Length > 0));
        }

        return head.Header("X-Cache-Status");
    }

    public static bool IsHit(string? status) =>
        status is not null && (status == "HIT" || status.Split(';').Any(p => p.Trim().Equals("hit", StringComparison.OrdinalIgnoreCase)));
}
