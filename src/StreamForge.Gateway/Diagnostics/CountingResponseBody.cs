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
    private readonly SentBytes _sent;

    /// <param name="clientGone">The request's RequestAborted: bytes handed over after it are not counted as sent.</param>
    public CountingResponseBody(IHttpResponseBodyFeature inner, CancellationToken clientGone)
    {
        Inner = inner;
        _sent = new SentBytes(clientGone);
        _stream = new CountingStream(inner.Stream, _sent);
        _writer = new CountingPipeWriter(inner.Writer, _sent);
    }

    public IHttpResponseBodyFeature Inner { get; }

    /// <summary>Bytes handed to the server while the client was there.</summary>
    public long BytesWritten => _sent.Count;

    /// <summary>Whether the handler wrote on after the client had left: the body did not go out whole.</summary>
    public bool WroteAfterClientLeft => _sent.AnyAfterClientLeft;

    public Stream Stream => _stream;

    public PipeWriter Writer => _writer;

    public void DisableBuffering() => Inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => Inner.StartAsync(cancellationToken);

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await Inner.SendFileAsync(path, offset, count, cancellationToken);
        _sent.Add(count ?? new FileInfo(path).Length - offset);
    }

    public Task CompleteAsync() => Inner.CompleteAsync();

    /// <summary>Ends the wrapper only: the counting stream does not close the server's stream under it.</summary>
    public void Dispose() => _stream.Dispose();
}
