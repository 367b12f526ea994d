using System.Text.Json;

namespace StreamForge.Gateway.Storage;

/// <summary>The stored form of <see cref="ResumableUpload"/>: a small JSON document (state, never body bytes).</summary>
internal static class ResumableUploadJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(ResumableUpload upload) => JsonSerializer.Serialize(upload, Options);

    public static async Task<ResumableUpload?> DeserializeAsync(Stream json, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<ResumableUpload>(json, Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new StorageException(StorageErrorKind.Failed, "a resumable upload's state is unreadable", ex);
        }
    }
}
