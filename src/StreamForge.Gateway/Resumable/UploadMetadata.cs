using System.Text;

namespace StreamForge.Gateway.Resumable;

/// <summary>
/// The Upload-Metadata header: comma-separated pairs of a key and an optional base64 value
/// (<c>filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential</c>).
/// </summary>
internal static class UploadMetadata
{
    /// <summary>Parses the header; null (with a problem) when it is malformed.</summary>
    public static Dictionary<string, string>? Parse(string? header, out string problem)
    {
        problem = string.Empty;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return values;
        }

        // Keys SHOULD be ASCII and values are base64 (tus 1.0.0, Upload-Metadata); the header is echoed on every HEAD,
        // and a response header cannot carry anything else, so a key outside printable ASCII is refused here.
        if (header.Any(c => c is < ' ' or > '~'))
        {
            problem = "keys must be printable ASCII (values are base64)";
            return null;
        }

        foreach (var pair in header.Split(','))
        {
            var parts = pair.Trim().Split(' ');
            if (parts.Length > 2 || parts[0].Length == 0 || !values.TryAdd(parts[0], Decode(parts.ElementAtOrDefault(1)) ?? "\0"))
            {
                problem = $"'{pair.Trim()}' is not a unique key with an optional base64 value";
                return null;
            }

            if (values[parts[0]] == "\0")
            {
                problem = $"the value of '{parts[0]}' is not base64 UTF-8";
                return null;
            }
        }

        return values;
    }

    private static string? Decode(string? base64)
    {
        if (base64 is null)
        {
            return string.Empty;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
