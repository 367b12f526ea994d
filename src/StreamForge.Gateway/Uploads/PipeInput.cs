namespace StreamForge.Gateway.Uploads;

/// <summary>How a pipe stage's process receives the upload.</summary>
internal enum PipeInput
{
    /// <summary>
    /// The body is spilled to a temp file (disk, not memory) and the process reads it by path: needed whenever the
    /// process must seek, as ffmpeg must to find the moov atom at the end of a non-faststart MP4. From a pipe it
    /// fails on such files and, measured with ffmpeg 5.1, still exits 0 with a near-empty output.
    /// </summary>
    TempFile,

    /// <summary>The body is pumped into the process's stdin as it arrives: for formats that read front to back.</summary>
    Stdin,
}
