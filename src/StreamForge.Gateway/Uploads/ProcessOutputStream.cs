using System.Diagnostics;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// The stdout of a pipe stage, read by storage at its own pace (so a slow store slows the process through the
/// OS pipe). At end of output it waits for the process and fails the final read on a non-zero exit or a failed
/// input pump: storage only commits after reading to the end, so a failed run is never stored.
/// </summary>
internal sealed class ProcessOutputStream(Process process, Task inputPump, Func<string> stderrTail, string command) : AsyncReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            return read;
        }

        await inputPump;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new PipeFailedException(command, process.ExitCode, stderrTail());
        }

        return 0;
    }
}
