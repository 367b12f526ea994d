namespace StreamForge.Gateway.Storage;

/// <summary>
/// The state of one resumable (tus) upload, kept in the store itself (a small JSON document under
/// <see cref="ResumableNames.Folder"/>) so that any gateway instance sharing the store can resume it after a restart.
/// </summary>
internal sealed record ResumableUpload
{
    /// <summary>32 lowercase hex digits; the last segment of the upload URL.</summary>
    public required string Id { get; init; }

    /// <summary>The object key the upload is stored under once complete.</summary>
    public required string Key { get; init; }

    /// <summary>The total length; null while the client defers it (tus creation-defer-length).</summary>
    public long? Length { get; init; }

    /// <summary>The raw Upload-Metadata header of the creation request, echoed on HEAD.</summary>
    public string? Metadata { get; init; }

    public string? ContentType { get; init; }

    public DateTimeOffset Expires { get; init; }

    /// <summary>S3 only: the size of every part but the last, fixed when the upload is created.</summary>
    public long PartSize { get; init; }

    /// <summary>S3 only: the multipart upload, created when the first whole part is ready.</summary>
    public string? MultipartId { get; init; }

    /// <summary>S3 only: the parts uploaded so far, in order, each <see cref="PartSize"/> bytes.</summary>
    public IReadOnlyList<ResumablePart> Parts { get; init; } = [];

    /// <summary>S3 only: the temporary object holding the bytes that do not yet fill a part.</summary>
    public string? TailKey { get; init; }

    public long TailLength { get; init; }

    /// <summary>Bytes received and stored so far (the file store sets it from the data file's length).</summary>
    public long Offset { get; init; }

    public bool IsComplete => Length is { } length && Offset == length;

    /// <summary>
    /// Stored under its key: what is left is a record of the completion, kept until the upload expires, because tus
    /// asks a HEAD to answer with Upload-Offset even for a completed upload (a client that missed the last PATCH's
    /// response learns there that it is done, instead of starting over).
    /// </summary>
    public bool IsStored { get; init; }

    /// <summary>The record that replaces the upload's state once it is stored: no parts, tail or multipart upload left to clean up.</summary>
    public ResumableUpload AsStored() =>
        this with { IsStored = true, Offset = Length ?? Offset, MultipartId = null, Parts = [], TailKey = null, TailLength = 0 };
}
