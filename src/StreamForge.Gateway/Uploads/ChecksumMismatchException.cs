namespace StreamForge.Gateway.Uploads;

/// <summary>The body did not match the digest its client announced; the upload must not be stored.</summary>
internal sealed class ChecksumMismatchException(string header)
    : IOException($"the body does not match its {header}")
{
    public string Header { get; } = header;
}
