namespace StreamForge.Gateway.Uploads;

/// <summary>The pipe stage's process failed (non-zero exit); its output must not be stored.</summary>
internal sealed class PipeFailedException(string command, int exitCode, string stderrTail)
    : IOException($"{command} exited with code {exitCode}: {stderrTail}")
{
    public int ExitCode { get; } = exitCode;
}
