using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// An in-process HTTP origin on a loopback port for the cache tests of origin routes. Each path serves a
/// <see cref="CachingOriginResource"/> the test configures and changes at run time (caching headers, validators,
/// ranges honoured or ignored, 304 or not, 503), bodies are streamed in chunks from <see cref="SeededBytes"/>, and every
/// request is recorded with what was answered, so a test counts on the origin side what the gateway fetched.
/// Conditionals and ranges follow RFC 9110: preconditions in the order of section 13.2.2 (If-Match strong,
/// If-None-Match weak comparison, section 8.8.3.2), one <c>bytes</c> range of a GET (section 14), If-Range with a
/// strong validator only (section 13.1.5); several ranges or an invalid Range are ignored (200), as section 14.2 allows.
/// Stopping it refuses connections (and resets those in flight), like a crashed origin; it can start again on the
/// same port.
/// </summary>
internal sealed class CachingOrigin : IAsyncDisposable
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>The Last-Modified <see cref="Serve(string, long, long)"/> gives a resource.</summary>
    public static readonly DateTimeOffset DefaultLastModified = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<string, CachingOriginResource> _resources = new(StringComparer.Ordinal);
    private readonly List<Entry> _requests = [];
    private WebApplication? _app;

    private CachingOrigin()
    {
    }

    public int Port { get; private set; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public static async Task<CachingOrigin> StartAsync()
    {
        var origin = new CachingOrigin();
        await origin.ListenAsync(port: 0);
        return origin;
    }

    /// <summary>Serves <paramref name="resource"/> under <paramref name="path"/> (the request path, without query) from now on.</summary>
    public CachingOriginResource Serve(string path, CachingOriginResource resource)
    {
        _resources[path] = resource;
        return resource;
    }

    /// <summary>A body of <paramref name="length"/> bytes with a strong ETag and a Last-Modified, and no caching headers yet.</summary>
    public CachingOriginResource Serve(string path, long length, long seed = 1) =>
        Serve(path, new CachingOriginResource { Length = length, Seed = seed, ETag = $"\"{seed:x}-{length:x}\"", LastModified = DefaultLastModified });

    /// <summary>Every request since the start or <see cref="ClearRequests"/>, in arrival order, as they stand now.</summary>
    public IReadOnlyList<CachingOriginRequest> Requests()
    {
        lock (_requests)
        {
            return [.. _requests.Select(e => e.Snapshot())];
        }
    }

    public IReadOnlyList<CachingOriginRequest> Requests(string path) => [.. Requests().Where(r => r.Path == path)];

    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <summary>Stops listening: new connections are refused, responses in flight are cut off.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        // A cancelled token makes Kestrel abort open connections at once instead of draining them.
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Listens again on the same port, as an origin that comes back.</summary>
    public Task StartAgainAsync() => _app is null ? ListenAsync(Port) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _resources.Values)
        {
            resource.Gate.TrySetResult();
        }

        await StopAsync();
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // Field values may carry obs-text (RFC 9110 section 5.5): read and written as Latin-1 text, they are those bytes.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        Port = new Uri(app.Urls.Single()).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        _resources.TryGetValue(path, out var resource);
        var variant = resource?.VaryBy is { } varyBy ? HeaderOrNull(request.Headers[varyBy]) : null;
        var entry = new Entry(new CachingOriginRequest(
            request.Method,
            path,
            HeaderOrNull(request.Headers.Range),
            HeaderOrNull(request.Headers.IfNoneMatch),
            HeaderOrNull(request.Headers.IfModifiedSince),
            HeaderOrNull(request.Headers.IfMatch),
            HeaderOrNull(request.Headers.IfRange),
            request.Headers.Authorization.Count > 0,
            variant,
            Status: 0,
            BodyBytes: 0,
            Complete: false,
            Aborted: false,
            HeaderOrNull(request.Headers["traceparent"]),
            HeaderOrNull(request.Headers["tracestate"]),
            HeaderOrNull(request.Headers.CacheControl)));
        lock (_requests)
        {
            _requests.Add(entry);
        }

        try
        {
            await AnswerAsync(context, resource, variant, entry);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            entry.Abort();
        }

        if (context.RequestAborted.IsCancellationRequested && !entry.IsComplete)
        {
            entry.Abort();
        }
    }

    private static async Task AnswerAsync(HttpContext context, CachingOriginResource? resource, string? variant, Entry entry)
    {
        var request = context.Request;
        var response = context.Response;
        if (resource is null)
        {
            Empty(response, entry, StatusCodes.Status404NotFound);
            return;
        }

        // Read once: a test changing the resource mid-response must not mix two versions into it.
        var length = resource.Length;
        var seed = resource.SeedFor(variant);
        var etag = resource.ETag is null ? null : EntityTagHeaderValue.Parse(resource.ETag);
        var lastModified = resource.LastModified is { } modified ? Seconds(modified) : (DateTimeOffset?)null;
        var headers = resource.Headers;
        var varyBy = resource.VaryBy;
        var ranges = resource.Ranges;
        var notModified = resource.NotModified;
        var pauseAt = resource.PauseAt;
        var gate = resource.Gate;
        var paused = resource.Paused;

        if (resource.Unavailable)
        {
            Empty(response, entry, StatusCodes.Status503ServiceUnavailable);
            return;
        }

        var isGet = HttpMethods.IsGet(request.Method);
        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsDelete(request.Method))
        {
            // Accepted and ignored: enough for a cache in front to see a successful unsafe method (RFC 9111 section 4.4).
            Empty(response, entry, StatusCodes.Status204NoContent);
            return;
        }

        if (!isGet && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            Empty(response, entry, StatusCodes.Status405MethodNotAllowed);
            return;
        }

        var typed = request.GetTypedHeaders();

        // RFC 9110 section 13.2.2, steps 1 to 4.
        var preconditionFailed = !resource.IgnoresPreconditions && (request.Headers.IfMatch.Count > 0
            ? !Matches(typed.IfMatch, etag, strong: true)
            : typed.IfUnmodifiedSince is { } unmodifiedSince && lastModified > unmodifiedSince);
        if (preconditionFailed)
        {
            Empty(response, entry, StatusCodes.Status412PreconditionFailed);
            return;
        }

        if (notModified)
        {
            var unchanged = request.Headers.IfNoneMatch.Count > 0
                ? Matches(typed.IfNoneMatch, etag, strong: false)
                : typed.IfModifiedSince is { } modifiedSince && lastModified <= modifiedSince;
            if (unchanged)
            {
                // Section 15.4.5: the fields a 200 would have carried for caches (validators, Cache-Control, Expires, Vary).
                Describe(response, etag, lastModified, headers, varyBy);
                Empty(response, entry, StatusCodes.Status304NotModified);
                return;
            }
        }

        long start = 0;
        var count = length;
        var status = StatusCodes.Status200OK;
        if (isGet && ranges && request.Headers.Range.Count > 0
            && RangeHeaderValue.TryParse(request.Headers.Range.ToString(), out var range)
            && string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            && range.Ranges.Count == 1
            && IfRangeHolds(typed, request, etag, lastModified))
        {
            var item = range.Ranges.Single();
            long end;
            if (item.From is { } from)
            {
                start = from;
                end = Math.Min(item.To ?? (length - 1), length - 1);
            }
            else
            {
                start = Math.Max(0, length - item.To!.Value);
                end = item.To.Value == 0 ? -1 : length - 1;
            }

            if (start >= length || end < start)
            {
                Describe(response, etag, lastModified, headers, varyBy);
                response.Headers.ContentRange = $"bytes */{length}";
                Empty(response, entry, StatusCodes.Status416RangeNotSatisfiable);
                return;
            }

            if (resource.MaxPartLength is { } most)
            {
                end = Math.Min(end, start + most - 1);
            }

            count = end - start + 1;
            status = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{end}/{length}";
        }

        Describe(response, etag, lastModified, headers, varyBy);
        response.ContentType = resource.ContentType;
        if (ranges)
        {
            response.Headers.AcceptRanges = "bytes";
        }

        response.StatusCode = status;
        response.ContentLength = resource.Chunked && isGet ? null : count;
        entry.SetStatus(status);
        if (!isGet || count == 0)
        {
            entry.Completed();
            return;
        }

        await SendBodyAsync(context, seed, start, count, pauseAt, gate, paused, entry);
    }

    private static async Task SendBodyAsync(HttpContext context, long seed, long start, long count, long? pauseAt,
        TaskCompletionSource gate, TaskCompletionSource paused, Entry entry)
    {
        var aborted = context.RequestAborted;
        var body = context.Response.Body;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (long sent = 0; sent < count;)
            {
                if (pauseAt == sent)
                {
                    await body.FlushAsync(aborted);
                    paused.TrySetResult();
                    await gate.Task.WaitAsync(aborted);
                }

                var n = (int)Math.Min(ChunkSize, count - sent);
                if (pauseAt is { } pause && sent < pause && sent + n > pause)
                {
                    n = (int)(pause - sent); // stop exactly there
                }

                SeededBytes.Fill(seed, start + sent, buffer.AsSpan(0, n));
                sent += n;
                // Counted (and, for the last chunk, marked complete) before the write, so a client that has read the
                // whole body always finds it recorded.
                entry.Sent(n, complete: sent == count);
                await body.WriteAsync(buffer.AsMemory(0, n), aborted);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Validators and the resource's caching headers, as on 200, 206, 304 and 416.</summary>
    private static void Describe(HttpResponse response, EntityTagHeaderValue? etag, DateTimeOffset? lastModified,
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> headers, string? varyBy)
    {
        if (etag is not null)
        {
            response.Headers.ETag = etag.ToString();
        }

        if (lastModified is { } modified)
        {
            response.GetTypedHeaders().LastModified = modified;
        }

        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        if (varyBy is not null)
        {
            response.Headers.Append(HeaderNames.Vary, varyBy);
        }
    }

    private static void Empty(HttpResponse response, Entry entry, int status)
    {
        response.StatusCode = status;
        if (status != StatusCodes.Status304NotModified)
        {
            response.ContentLength = 0;
        }

        entry.SetStatus(status);
        entry.Completed();
    }

    private static bool Matches(IList<EntityTagHeaderValue> tags, EntityTagHeaderValue? current, bool strong) =>
        tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any)) || (current is not null && tags.Any(tag => tag.Compare(current, strong)));

    /// <summary>RFC 9110 section 13.1.5: the range applies only if the validator is the current one, compared strongly.</summary>
    private static bool IfRangeHolds(RequestHeaders typed, HttpRequest request, EntityTagHeaderValue? etag, DateTimeOffset? lastModified)
    {
        if (request.Headers.IfRange.Count == 0)
        {
            return true;
        }

        var condition = typed.IfRange;
        if (condition?.EntityTag is { } tag)
        {
            return etag is not null && tag.Compare(etag, useStrongComparison: true);
        }

        return condition?.LastModified is { } date && lastModified == date;
    }

    private static DateTimeOffset Seconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));

    private static string? HeaderOrNull(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    /// <summary>A request being answered: updated by its handler, read as snapshots by the test.</summary>
    private sealed class Entry(CachingOriginRequest start)
    {
        private readonly Lock _lock = new();
        private CachingOriginRequest _state = start;

        public bool IsComplete
        {
            get
            {
                lock (_lock)
                {
                    return _state.Complete;
                }
            }
        }

        public CachingOriginRequest Snapshot()
        {
            lock (_lock)
            {
                return _state;
            }
        }

        public void SetStatus(int status) => Update(s => s with { Status = status });

        public void Sent(int bytes, bool complete) => Update(s => s with { BodyBytes = s.BodyBytes + bytes, Complete = complete });

        public void Completed() => Update(s => s with { Complete = true });

        public void Abort() => Update(s => s with { Complete = false, Aborted = true });

        private void Update(Func<CachingOriginRequest, CachingOriginRequest> change)
        {
            lock (_lock)
            {
                _state = change(_state);
            }
        }
    }
}
