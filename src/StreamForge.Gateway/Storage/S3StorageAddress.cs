using System.Text.RegularExpressions;

namespace StreamForge.Gateway.Storage;

/// <summary><c>s3://bucket/prefix/</c>: objects live in <see cref="Bucket"/> under <see cref="Prefix"/>.</summary>
internal sealed partial record S3StorageAddress(string Bucket, string Prefix) : StorageAddress
{
    public static S3StorageAddress? FromPath(string rest, out string? error)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (!BucketName().IsMatch(bucket))
        {
            error = $"'{bucket}' is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)";
            return null;
        }

        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            // Without the slash, "videos" would also match keys of a sibling "videos-private/".
            prefix += "/";
        }

        error = null;
        return new S3StorageAddress(bucket, prefix);
    }

    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
