using System.Diagnostics;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// Runs an upload through an external process (e.g. ffmpeg remuxing to fragmented MP4) and hands its output to
/// storage, streamed both ways: the input pump waits on the process's stdin, storage reads stdout at its own
/// pace. The process is killed when the client goes away; stderr goes to the logs; a non-zero exit stores nothing.
/// </summary>
internal sealed class PipeStage(ILogger<PipeStage> logger)
{
    private const int StderrLinesKept = 20;

    /// <param name="store">Stores the process output (unknown length); must read it to the end before committing.</param>
    public async Task<T> RunAsync<T>(
        PipePolicy pipe, Stream body, long? length, int chunkSize, Func<Stream, Task<T>> store, CancellationToken cancellationToken)
    {
        FileStream? spill = null;
        try
        {
            if (pipe.Input == PipeInput.TempFile)
            {
                spill = await SpillAsync(body, length, chunkSize, cancellationToken);
            }

            using var process = Start(pipe, spill?.Name ?? "pipe:0");
            var stderr = new Queue<string>();
            var stderrPump = PumpStderrAsync(process, pipe.Command, stderr);
            using var kill = cancellationToken.Register(() => Kill(process));
            using var pumping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var inputPump = spill is null ? PumpStdinAsync(process, body, chunkSize, pumping.Token) : CloseStdin(process);
            try
            {
                var output = new ProcessOutputStream(process, inputPump, () => Tail(stderr), pipe.Command);
                return await store(output);
            }
            catch
            {
                // Stop feeding the process and wait for the pump, so nothing reads the client's body after we answer.
                Kill(process);
                await pumping.CancelAsync();
                await inputPump.ContinueWith(_ => { }, TaskScheduler.Default);
                throw;
            }
            finally
            {
                await stderrPump;
            }
        }
        finally
        {
            if (spill is not null)
            {
                // Held until the process is done with it, so that no sweep takes it from under the process.
                await spill.DisposeAsync();
                File.Delete(spill.Name);
            }
        }
    }

    /// <summary>
    /// Writes the body to a temp file that stays open, held (<see cref="HeldTempFile"/>), until the caller disposes of
    /// it: a gateway killed meanwhile leaves it unheld, and the temp file sweep of the next gateway to start removes it.
    /// </summary>
    private static async Task<FileStream> SpillAsync(Stream body, long? length, int chunkSize, CancellationToken cancellationToken)
    {
        var file = HeldTempFile.Create(SharedTempFolders.PipeSpill, FileAccess.Write, FileShare.Read)
            ?? throw new IOException($"temp files in '{SharedTempFolders.PipeSpill}' were removed as they were created");
        var result = await StreamCopier.CopyAsync(body, file, new CopyOptions(chunkSize, Timeout.InfiniteTimeSpan, length), cancellationToken);
        if (!result.IsSuccess)
        {
            await file.DisposeAsync();
            File.Delete(file.Name);
            throw new IOException("the upload ended before it was complete", result.Error);
        }

        return file;
    }

    private static Process Start(PipePolicy pipe, string input)
    {
        var start = new ProcessStartInfo(pipe.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in pipe.Arguments)
        {
            start.ArgumentList.Add(argument.Replace(PipePolicy.InputPlaceholder, input, StringComparison.Ordinal));
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {pipe.Command}");
    }

    private static async Task PumpStdinAsync(Process process, Stream body, int chunkSize, CancellationToken cancellationToken)
    {
        // Each write waits until the process has room in its pipe: a slow process slows the client's upload.
        await using var stdin = process.StandardInput.BaseStream;
        var result = await StreamCopier.CopyAsync(body, stdin, new CopyOptions(chunkSize, Timeout.InfiniteTimeSpan), cancellationToken);
        if (!result.IsSuccess)
        {
            Kill(process);
            throw new IOException($"the upload could not be fed to the process ({result.Outcome})", result.Error);
        }
    }

    private static Task CloseStdin(Process process)
    {
        process.StandardInput.Close();
        return Task.CompletedTask;
    }

    private async Task PumpStderrAsync(Process process, string command, Queue<string> tail)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            GatewayLog.PipeStderr(logger, command, line);
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > StderrLinesKept)
                {
                    tail.Dequeue();
                }
            }
        }
    }

    private static string Tail(Queue<string> tail)
    {
        lock (tail)
        {
            return string.Join(" | ", tail.TakeLast(3));
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }
}
