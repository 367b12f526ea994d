namespace StreamForge.Gateway.Uploads;

/// <summary>Temp folders outside any file store, under $TMPDIR and so shared by the gateways of a machine; swept like a store's.</summary>
internal static class SharedTempFolders
{
    /// <summary>Uploads spilled for a pipe stage's process, which reads them by path (Uploads/PipeStage.cs).</summary>
    public static readonly string PipeSpill = Path.Combine(Path.GetTempPath(), "streamforge-pipe");
}
