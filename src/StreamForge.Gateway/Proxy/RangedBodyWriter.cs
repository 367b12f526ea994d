using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Streams the body of a 206: one span, or several as multipart/byteranges, part by part. Long and open-ended
/// spans are fetched as aligned slices, each read only when the client has drained the one before (and, from stores
/// that ask for it, opened while that one streams: <see cref="SliceReadAhead"/>), each pinned (If-Match) to the ETag
/// the headers announced, so a replaced object aborts instead of splicing.
/// </summary>
internal sealed class RangedBodyWriter(GatewayMetrics metrics)
{
    public async Task<CopyResult> WriteAsync(
        StorageRequest request, ObjectInfo info, IReadOnlyList<ByteSpan> spans, bool openEnded, MultipartByteRanges? multipart, CopyOptions options)
    {
        var context = request.Context;
        long total = 0;
        for (var index = 0; index < spans.Count; index++)
        {
            if (multipart is not null && await WriteFramingAsync(context, multipart.GetPartHeader(index)) is { } framingFailure)
            {
                return framingFailure with { BytesCopied = total };
            }

            var result = await CopyPiecesAsync(request, info, Pieces(spans[index], openEnded, request.Policy.Range.SliceSize), options);
            total += result.BytesCopied;
            if (!result.IsSuccess)
            {
                return result with { BytesCopied = total };
            }
        }

        if (multipart is not null && await WriteFramingAsync(context, multipart.ClosingDelimiter) is { } closingFailure)
        {
            return closingFailure with { BytesCopied = total };
        }

        return new CopyResult(CopyOutcome.Completed, total);
    }

    /// <summary>Copies one span's pieces in order; where the store asks for it, each slice is opened while the one before streams.</summary>
    private async Task<CopyResult> CopyPiecesAsync(StorageRequest request, ObjectInfo info, IEnumerable<ByteSpan> pieces, CopyOptions options)
    {
        var aborted = request.Context.RequestAborted;
        await using var readAhead = request.Store.OpensSlicesAhead
            ? new SliceReadAhead(options.Observer, (next, token) => request.Store.OpenReadAsync(request.Key, next, info.ETag, token), aborted)
            : null;
        var pieceOptions = readAhead is null ? options : options with { Observer = readAhead };

        long total = 0;
        using var remaining = pieces.GetEnumerator();
        var piece = remaining.MoveNext() ? remaining.Current : (ByteSpan?)null;
        while (piece is { } current)
        {
            piece = remaining.MoveNext() ? remaining.Current : null;
            readAhead?.Begin(current, piece);
            var opening = readAhead is null ? null : await readAhead.TakeAsync(current);
            var result = await CopyPieceAsync(request, opening ?? request.Store.OpenReadAsync(request.Key, current, info.ETag, aborted), current, pieceOptions);
            total += result.BytesCopied;
            if (!result.IsSuccess)
            {
                return result with { BytesCopied = total };
            }
        }

        return new CopyResult(CopyOutcome.Completed, total);
    }

    /// <summary>A short, closed span is one upstream request; anything longer or open-ended goes in slices.</summary>
    private static IEnumerable<ByteSpan> Pieces(ByteSpan span, bool openEnded, long sliceSize) =>
        openEnded || span.Length > sliceSize ? SlicePlanner.Plan(span, sliceSize) : [span];

    private async Task<CopyResult> CopyPieceAsync(StorageRequest request, Task<ObjectContent?> opening, ByteSpan piece, CopyOptions options)
    {
        ObjectContent? content;
        try
        {
            content = await opening;
        }
        catch (StorageException ex)
        {
            return new CopyResult(CopyOutcome.SourceFailed, 0, ex);
        }
        catch (OperationCanceledException) when (request.Context.RequestAborted.IsCancellationRequested)
        {
            // The client left while the next slice was being opened: an outcome like any other, not an exception.
            return new CopyResult(CopyOutcome.Canceled, 0);
        }

        if (content is null)
        {
            return new CopyResult(CopyOutcome.SourceFailed, 0, new StorageException(StorageErrorKind.NotFound, $"'{request.Key}' vanished mid-response"));
        }

        metrics.SliceFetched(request.RouteId);
        await using (content)
        {
            return await StreamCopier.CopyAsync(content.Body, request.Context.Response.BodyWriter, options with { ExpectedLength = piece.Length }, request.Context.RequestAborted);
        }
    }

    private static async Task<CopyResult?> WriteFramingAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return null;
        }
        catch (OperationCanceledException)
        {
            return new CopyResult(CopyOutcome.Canceled, 0);
        }
        catch (IOException ex)
        {
            return new CopyResult(CopyOutcome.DestinationFailed, 0, ex);
        }
    }
}
