using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Streams the body of a 206: one span, or several as multipart/byteranges, part by part. Every upstream read is
/// pinned (If-Match) to the ETag the headers announced, so a replaced object aborts instead of splicing. Long and
/// open-ended spans are fetched as aligned slices, each opened only when the client has drained the one before,
/// from stores that ask for slices (<see cref="IObjectStore.SlicesLongRanges"/>); from the others in one read.
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

            foreach (var piece in Pieces(spans[index], openEnded, request))
            {
                var result = await CopyPieceAsync(request, info, piece, options);
                total += result.BytesCopied;
                if (!result.IsSuccess)
                {
                    return result with { BytesCopied = total };
                }
            }
        }

        if (multipart is not null && await WriteFramingAsync(context, multipart.ClosingDelimiter) is { } closingFailure)
        {
            return closingFailure with { BytesCopied = total };
        }

        return new CopyResult(CopyOutcome.Completed, total);
    }

    /// <summary>A short, closed span is one upstream request; anything longer or open-ended goes in slices where the store slices.</summary>
    private static IEnumerable<ByteSpan> Pieces(ByteSpan span, bool openEnded, StorageRequest request)
    {
        var sliceSize = request.Policy.Range.SliceSize;
        return request.Store.SlicesLongRanges && (openEnded || span.Length > sliceSize) ? SlicePlanner.Plan(span, sliceSize) : [span];
    }

    private async Task<CopyResult> CopyPieceAsync(StorageRequest request, ObjectInfo info, ByteSpan piece, CopyOptions options)
    {
        ObjectContent? content;
        try
        {
            content = await request.Store.OpenReadAsync(request.Key, piece, ifMatch: info.ETag, request.Context.RequestAborted);
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
