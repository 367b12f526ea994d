using System.Text;

namespace StreamForge.Gateway.Storage;

/// <summary>
/// A relative object key that is safe for every backend: '/'-separated segments, none empty, "." or "..",
/// no backslash, no control character, at most 1024 UTF-8 bytes (S3's limit). Stores add their own prefix.
/// </summary>
internal readonly record struct ObjectKey
{
    public const int MaxUtf8Bytes = 1024;

    private ObjectKey(string value) => Value = value;

    public string Value { get; }

    public IEnumerable<string> Segments => Value.Split('/');

    /// <summary>
    /// An origin request's upstream path and query, as the edge cache's key on origin routes: it is sent to the origin
    /// as a URL and never reaches a store's file system, so the storage key rules do not apply.
    /// </summary>
    public static ObjectKey ForOriginTarget(string pathAndQuery) => new(pathAndQuery);

    public static bool TryCreate(string? text, out ObjectKey key, out string problem)
    {
        key = default;
        if (string.IsNullOrEmpty(text))
        {
            problem = "the object key is empty";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxUtf8Bytes)
        {
            problem = $"the object key is longer than {MaxUtf8Bytes} bytes";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) || c == '\\')
            {
                problem = "the object key contains a control character or a backslash";
                return false;
            }
        }

        foreach (var segment in text.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                problem = "the object key has an empty, '.' or '..' segment";
                return false;
            }
        }

        problem = string.Empty;
        key = new ObjectKey(text);
        return true;
    }

    public override string ToString() => Value;
}
