namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>
/// Recognises "no space left" among I/O errors. .NET reports it only as a plain <see cref="IOException"/>, whose
/// HResult is the raw errno on Unix and an HRESULT wrapping the Win32 error on Windows.
/// </summary>
internal static class DiskFull
{
    private const int Enospc = 28;
    private const int EdquotLinux = 122;
    private const int EdquotBsd = 69;
    private const int ErrorHandleDiskFull = unchecked((int)0x80070027);
    private const int ErrorDiskFull = unchecked((int)0x80070070);

    /// <summary>True when <paramref name="error"/> or an exception it wraps is ENOSPC or EDQUOT (or the Windows equivalents).</summary>
    public static bool Is(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is IOException io && IsDiskFull(io.HResult))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDiskFull(int code) =>
        OperatingSystem.IsWindows()
            ? code is ErrorDiskFull or ErrorHandleDiskFull
            : code == Enospc || code == (OperatingSystem.IsLinux() ? EdquotLinux : EdquotBsd);
}
