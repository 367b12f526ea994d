using System.Text;

namespace StreamForge.Gateway.Resumable;

/// <summary>
/// The Upload-Metadata header: comma-separated pairs of a key and an optional base64 value
/// (<c>filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential</c>).
/// </summary>
internal static class UploadMetadata
{
    /// <summary>
    /// Parses the header; null (with a problem) when it is malformed. A value is its text when it is UTF-8, and null when
    /// it is some other binary value: tus allows any bytes, and only text values (a file name, a type) are used.
    /// </summary>
    public static Dictionary<string, string?>? Parse(string? header, out string problem)
    {
        problem = string.Empty;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
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
            if (parts.Length > 2 || parts[0].Length == 0 || !TryDecode(parts.ElementAtOrDefault(1), out var value) || !values.TryAdd(parts[0], value))
            {
                problem = $"'{pair.Trim()}' is not a unique key with an optional base64 value";
                return null;
            }
        }

        return values;
    }

    /// <summary>False when the value is not base64; <paramref name="text"/> is null when its bytes are not UTF-8.</summary>
    private static bool TryDecode(string? base64, out string? text)
    {
        text = string.Empty;
        if (base64 is null)
        {
            return true;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }

        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            text = null;
        }

        return true;
    }
}
