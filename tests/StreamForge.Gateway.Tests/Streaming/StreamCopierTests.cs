using System.IO.Pipelines;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Tests.Streaming;

public sealed class StreamCopierTests
{
    private static Task<CopyResult> Copy(Stream source, Stream destination, long? expected = null, CancellationToken token = default, TimeSpan? stall = null) =>
        StreamCopier.CopyAsync(source, destination, new CopyOptions(1024, stall ?? TimeSpan.FromMinutes(1), expected), token);

    [Fact]
    public async Task Copies_every_byte_in_chunks_no_larger_than_the_buffer()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var destination = new RecordingStream();

        var result = await Copy(new MemoryStream(data), destination, expected: data.Length);

        Assert.Equal(CopyOutcome.Completed, result.Outcome);
        Assert.Equal(data.Length, result.BytesCopied);
        Assert.Equal(data, destination.Written.ToArray());
        Assert.All(destination.WriteSizes, size => Assert.True(size <= 1024));
    }

    [Fact]
    public async Task A_source_shorter_than_announced_is_a_failure()
    {
        var result = await Copy(new MemoryStream(new byte[100]), Stream.Null, expected: 200);

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.IsType<EndOfStreamException>(result.Error);
    }

    [Fact]
    public async Task A_source_longer_than_announced_is_a_failure_and_the_excess_is_not_written()
    {
        var destination = new RecordingStream();

        var result = await Copy(new MemoryStream(new byte[300]), destination, expected: 200);

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.IsType<InvalidDataException>(result.Error);
        Assert.True(destination.Written.Length <= 200);
    }

    [Fact]
    public async Task A_throwing_source_is_reported_not_thrown()
    {
        var result = await Copy(new FailingStream(new IOException("upstream reset")), Stream.Null);

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.Equal("upstream reset", result.Error!.Message);
    }

    [Fact]
    public async Task A_throwing_destination_is_reported_not_thrown()
    {
        var result = await Copy(new MemoryStream(new byte[10]), new FailingStream(new IOException("client gone")));

        Assert.Equal(CopyOutcome.DestinationFailed, result.Outcome);
    }

    [Fact]
    public async Task A_destination_that_accepts_nothing_for_the_stall_timeout_is_abandoned()
    {
        var result = await Copy(new MemoryStream(new byte[10]), new NeverCompletingStream(), stall: TimeSpan.FromMilliseconds(50));

        Assert.Equal(CopyOutcome.Stalled, result.Outcome);
    }

    [Fact]
    public async Task A_source_that_delivers_nothing_for_the_stall_timeout_is_abandoned()
    {
        var result = await Copy(new NeverCompletingStream(), Stream.Null, stall: TimeSpan.FromMilliseconds(50));

        Assert.Equal(CopyOutcome.SourceStalled, result.Outcome);
    }

    [Fact]
    public async Task The_final_bytes_are_held_back_until_the_source_confirms_its_end()
    {
        // Like AWSSDK's MD5 check on a whole-object GET: every byte arrives, the read that finds the end throws.
        var destination = new RecordingStream();
        var source = new FailingAtEndStream(new byte[3000], new IOException("Expected hash not equal to calculated hash"));

        var result = await Copy(source, destination, expected: 3000);

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.True(destination.Written.Length < 3000, $"{destination.Written.Length} bytes written: the body looks complete");
    }

    [Fact]
    public async Task A_source_that_ends_cleanly_delivers_every_byte()
    {
        var destination = new RecordingStream();

        var result = await Copy(new MemoryStream(new byte[2048]), destination, expected: 2048);

        Assert.Equal(CopyOutcome.Completed, result.Outcome);
        Assert.Equal(2048, destination.Written.Length);
    }

    [Fact]
    public async Task Cancellation_is_an_outcome()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var result = await Copy(new MemoryStream(new byte[10]), Stream.Null, token: cts.Token);

        Assert.Equal(CopyOutcome.Canceled, result.Outcome);
    }

    [Fact]
    public async Task Into_a_pipe_every_byte_arrives()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var pipe = new Pipe();
        var reading = ReadAllAsync(pipe.Reader);

        var result = await CopyToPipe(new MemoryStream(data), pipe, expected: data.Length);
        var received = await reading;

        Assert.Equal(CopyOutcome.Completed, result.Outcome);
        Assert.Equal(data.Length, result.BytesCopied);
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task Into_a_pipe_the_final_bytes_are_held_back_until_the_source_confirms_its_end()
    {
        var pipe = new Pipe();
        var reading = ReadAllAsync(pipe.Reader);

        var result = await CopyToPipe(new FailingAtEndStream(new byte[3000], new IOException("checksum mismatch")), pipe, expected: 3000);
        var received = await reading;

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.True(received.Length < 3000, $"{received.Length} bytes arrived: the body looks complete");
    }

    [Fact]
    public async Task Into_a_pipe_a_source_longer_than_announced_is_a_failure_and_the_excess_is_not_sent()
    {
        var pipe = new Pipe();
        var reading = ReadAllAsync(pipe.Reader);

        var result = await CopyToPipe(new MemoryStream(new byte[3000]), pipe, expected: 2000);
        var received = await reading;

        Assert.Equal(CopyOutcome.SourceFailed, result.Outcome);
        Assert.IsType<InvalidDataException>(result.Error);
        Assert.True(received.Length <= 2000);
    }

    [Fact]
    public async Task Into_a_pipe_nobody_drains_for_the_stall_timeout_the_copy_is_abandoned()
    {
        // Like Kestrel's response pipe in front of a client that stopped reading: flushes wait past the threshold.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 2048, resumeWriterThreshold: 1024));

        var result = await CopyToPipe(new MemoryStream(new byte[10_000]), pipe, stall: TimeSpan.FromMilliseconds(50));

        Assert.Equal(CopyOutcome.Stalled, result.Outcome);
    }

    [Fact]
    public async Task Into_a_pipe_a_source_is_timed_by_its_own_stall_timeout_when_it_has_one()
    {
        // An origin cluster's activity timeout bounds the reads; the client's writes keep the route's (long) one.
        var pipe = new Pipe();
        var options = new CopyOptions(1024, TimeSpan.FromMinutes(10), SourceStallTimeout: TimeSpan.FromMilliseconds(50));

        var result = await StreamCopier.CopyAsync(new NeverCompletingStream(), pipe.Writer, options, CancellationToken.None);

        Assert.Equal(CopyOutcome.SourceStalled, result.Outcome);
    }

    [Fact]
    public async Task Into_a_pipe_a_source_stall_timeout_of_its_own_leaves_the_destination_to_the_stall_timeout()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 2048, resumeWriterThreshold: 1024));
        var options = new CopyOptions(1024, TimeSpan.FromMilliseconds(50), SourceStallTimeout: TimeSpan.FromMinutes(10));

        var result = await StreamCopier.CopyAsync(new MemoryStream(new byte[10_000]), pipe.Writer, options, CancellationToken.None);

        Assert.Equal(CopyOutcome.Stalled, result.Outcome);
    }

    private static async Task<CopyResult> CopyToPipe(Stream source, Pipe pipe, long? expected = null, TimeSpan? stall = null)
    {
        var result = await StreamCopier.CopyAsync(source, pipe.Writer, new CopyOptions(1024, stall ?? TimeSpan.FromMinutes(1), expected), CancellationToken.None);
        await pipe.Writer.CompleteAsync();
        return result;
    }

    /// <summary>Everything the pipe carried until its writer completed.</summary>
    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var received = new MemoryStream();
        while (true)
        {
            var read = await reader.ReadAsync();
            foreach (var segment in read.Buffer)
            {
                received.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return received.ToArray();
            }
        }
    }

    private sealed class RecordingStream : MemoryStream
    {
        public MemoryStream Written { get; } = new();

        public List<int> WriteSizes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteSizes.Add(buffer.Length);
            return Written.WriteAsync(buffer, cancellationToken);
        }
    }

    private sealed class FailingStream(Exception error) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(error);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(error);
    }

    private sealed class FailingAtEndStream(byte[] data, Exception error) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw error;
        }
    }

    private sealed class NeverCompletingStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
