using System.Buffers;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Rejects request targets that try to change which object or upstream path they name: dot segments (raw or
/// percent-encoded; Kestrel would silently resolve them), encoded slashes or backslashes, raw backslashes,
/// and encoded NUL or control characters. Runs before routing, for storage and origin routes alike.
/// </summary>
internal sealed partial class RequestTargetGuardMiddleware(RequestDelegate next, ILogger<RequestTargetGuardMiddleware> logger)
{
    /// <summary>What sends a path through the full check: a percent-escape, a backslash, or a C0, DEL or C1 control character.</summary>
    private static readonly SearchValues<char> NeedsFullCheck = SearchValues.Create(
        "%\\" + new string([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(code => (char)code)]));

    public Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        var problem = FindProblem(rawTarget);
        if (problem is null)
        {
            return next(context);
        }

        GatewayLog.RejectedTarget(logger, rawTarget, problem);
        return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidPath, problem);
    }

    /// <summary>Returns why the target is refused, or null when it is acceptable.</summary>
    internal static string? FindProblem(string rawTarget)
    {
        var path = PathOf(rawTarget);
        // Nearly every target is plain (no escapes, no backslash, no control character, no segment starting with a
        // dot), and nothing below can refuse it.
        if (path.StartsWith('/') && path.AsSpan().IndexOfAny(NeedsFullCheck) < 0 && !path.Contains("/.", StringComparison.Ordinal))
        {
            return null;
        }

        if (EncodedSeparatorOrControl().IsMatch(path))
        {
            return "the path contains an encoded slash, backslash or control character";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "the path contains a backslash";
        }

        if (EscapeProblem(path) is { } escapeProblem)
        {
            return escapeProblem;
        }

        // Runs for every request: spans, not Split and LINQ, so that an acceptable path allocates nothing here.
        var decoded = Uri.UnescapeDataString(path).AsSpan();
        foreach (var range in decoded.Split('/'))
        {
            if (decoded[range] is "." or "..")
            {
                return "the path contains a '.' or '..' segment";
            }
        }

        // char.IsControl's two ranges: C0 with DEL, then C1.
        return decoded.ContainsAnyInRange('\u0000', '\u001F') || decoded.ContainsAnyInRange('\u007F', '\u009F')
            ? "the path contains a control character"
            : null;
    }

    /// <summary>
    /// A '%' that starts no escape, or escapes that do not decode to UTF-8. Kestrel leaves both in the path as typed, so
    /// "/a-%FF" and "/a-%25FF" became one path: the same key on storage routes (S3 keys are UTF-8), and YARP
    /// forwarded both to origins as "/a-%25FF", a path neither client sent. Refused rather than passed on changed.
    /// </summary>
    private static string? EscapeProblem(string path)
    {
        if (!path.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        var bytes = new byte[path.Length];
        var count = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '%')
            {
                // Kestrel takes only ASCII in the request line; anything else cannot be judged here and is left alone.
                bytes[count++] = path[i] <= '\u007F' ? (byte)path[i] : (byte)'_';
                continue;
            }

            if (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2]))
            {
                return "the path contains a '%' that is not followed by two hexadecimal digits";
            }

            bytes[count++] = (byte)((HexValue(path[i + 1]) << 4) | HexValue(path[i + 2]));
            i += 2;
        }

        return Utf8.IsValid(bytes.AsSpan(0, count)) ? null : "the path contains percent-escapes that do not decode to UTF-8";
    }

    private static int HexValue(char digit) => digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;

    private static string PathOf(string rawTarget)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rawTarget : rawTarget[..query];
        // Absolute-form targets (RFC 9112 section 3.2.2): judge only their path, exactly as sent. System.Uri
        // would resolve dot segments first and let "http://h/x/../origin/a" through as "/origin/a".
        var authority = path.IndexOf("://", StringComparison.Ordinal);
        if (!path.StartsWith('/') && authority > 0)
        {
            var slash = path.IndexOf('/', authority + 3);
            return slash < 0 ? "/" : path[slash..];
        }

        return path;
    }

    [GeneratedRegex("%(2f|5c|[01][0-9a-f]|7f)", RegexOptions.IgnoreCase)]
    private static partial Regex EncodedSeparatorOrControl();
}
