namespace StreamForge.Gateway.Caching;

/// <summary>
/// A response's header field lines as received, headers then content headers. Read through
/// <c>NonValidated</c> so that the rules see the origin's text, not .NET's lenient re-parse of it (an
/// invalid Expires must stay invalid: RFC 9111 section 5.3 says it means "already expired").
/// </summary>
internal static class ResponseFields
{
    public static IReadOnlyList<KeyValuePair<string, string>> All(HttpResponseMessage response)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            fields.AddRange(values.Select(value => KeyValuePair.Create(name, value)));
        }

        if (response.Content is { } content)
        {
            foreach (var (name, values) in content.Headers.NonValidated)
            {
                fields.AddRange(values.Select(value => KeyValuePair.Create(name, value)));
            }
        }

        return fields;
    }

    public static IEnumerable<string> GetAll(IReadOnlyList<KeyValuePair<string, string>> fields, string name) =>
        fields.Where(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);
}
