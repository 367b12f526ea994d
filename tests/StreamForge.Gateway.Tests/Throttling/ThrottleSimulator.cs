using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Throttling;

/// <summary>
/// Drives copy loops on fake time: each stream "reads" a chunk, then writes it in the slices its throttle asks
/// for, awaiting the throttle before each slice, while the clock moves forward in small steps. Logic, not timing:
/// nothing here sleeps.
/// </summary>
internal static class ThrottleSimulator
{
    // Small against every rate's 1 s window: at 50 MB/s one step is 5 KB, 0.01% of a second's bytes.
    public static readonly TimeSpan Step = TimeSpan.FromTicks(1_000);

    public static List<SimulatedWrite>[] Run(FakeTimeProvider time, IReadOnlyList<StreamThrottle> streams, int chunkSize, TimeSpan duration)
    {
        var start = time.GetTimestamp();
        var writes = streams.Select(_ => new List<SimulatedWrite>()).ToArray();
        var leftInChunk = streams.Select(_ => chunkSize).ToArray();
        var pending = new Task<TimeSpan>?[streams.Count];
        var pendingSize = new int[streams.Count];

        while (time.GetElapsedTime(start) < duration)
        {
            for (var i = 0; i < streams.Count; i++)
            {
                while (true)
                {
                    if (pending[i] is { } wait)
                    {
                        if (!wait.IsCompleted)
                        {
                            break;
                        }

                        Write(i, pendingSize[i]);
                        pending[i] = null;
                    }

                    var size = streams[i].NextWriteSize(leftInChunk[i]);
                    var next = streams[i].WaitAsync(size, CancellationToken.None);
                    if (next.IsCompletedSuccessfully)
                    {
                        Write(i, size);
                        continue;
                    }

                    pending[i] = next.AsTask();
                    pendingSize[i] = size;
                }
            }

            time.Advance(Step);
        }

        return writes;

        void Write(int stream, int size)
        {
            writes[stream].Add(new SimulatedWrite(time.GetElapsedTime(start), size));
            leftInChunk[stream] -= size;
            if (leftInChunk[stream] == 0)
            {
                leftInChunk[stream] = chunkSize;
            }
        }
    }
}
