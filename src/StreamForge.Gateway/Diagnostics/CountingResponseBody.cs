using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Wraps the server's response body to count the bytes handed to it, whichever way a handler writes (stream,
/// pipe or send-file). Installed before response compression, so it counts what goes on the wire.
/// </summary>
internal sealed class CountingResponseBody : IHttpResponseBodyFeature, IDisposable
{
    private readonly CountingStream _stream;
    private readonly CountingPipeWriter _writer;
    private long _sentFile;

    public CountingResponseBody(IHttpResponseBodyFeature inner)
    {
        Inner = inner;
        _stream = new CountingStream(inner.Stream);
        _writer = new CountingPipeWriter(inner.Writer);
    }

    public IHttpResponseBodyFeature Inner { get; }

    public long BytesWritten => _stream.Count + _writer.Count + Interlocked.Read(ref _sentFile);

    public Stream Stream => _stream;

    public PipeWriter Writer => _writer;

    public void DisableBuffering() => Inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => Inner.StartAsync(cancellationToken);

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await Inner.SendFileAsync(path, offset, count, cancellationToken);
        Interlocked.Add(ref _sentFile, count ?? new FileInfo(path).Length - offset);
    }

    public Task CompleteAsync() => Inner.CompleteAsync();

    /// <summary>Ends the wrapper only: the counting stream does not close the server's stream under it.</summary>
    public void Dispose() => _stream.Dispose();
}
