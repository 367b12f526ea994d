namespace StreamForge.Gateway.Uploads;

/// <summary>
/// The representation headers of an upload that S3 keeps with the object when PutObject carries them (its API
/// reference: Cache-Control, Content-Disposition, Content-Language), and that the gateway replays on GET and HEAD
/// (Storage/S3/S3StoredHeaders.cs). Content-Encoding is not among them: a coded upload is refused (UploadGate).
/// </summary>
internal static class KeptHeaders
{
    private static readonly string[] Names = ["Cache-Control", "Content-Disposition", "Content-Language"];

    /// <summary>The request's kept headers; null when it has none (most uploads).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? Of(IHeaderDictionary headers)
    {
        List<KeyValuePair<string, string>>? kept = null;
        foreach (var name in Names)
        {
            var value = headers[name].ToString();
            if (!string.IsNullOrWhiteSpace(value))
            {
                (kept ??= []).Add(new(name, value));
            }
        }

        return kept;
    }
}
