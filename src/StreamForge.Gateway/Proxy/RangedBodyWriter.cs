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
            var firstPiece = true;
            foreach (var piece in Pieces(spans[index], openEnded, request))
            {
                var (content, openFailure) = await OpenPieceAsync(request, info, piece);
                if (openFailure is { } failed)
                {
                    return failed with { BytesCopied = total };
                }

                await using (content)
                {
                    // A part's header goes only once its first piece is open: the first part's pinned read then fails
                    // (object replaced since the metadata read) before the 206 starts, and the request is planned again.
                    if (firstPiece && multipart is not null && await WriteFramingAsync(context, multipart.GetPartHeader(index)) is { } framingFailure)
                    {
                        return framingFailure with { BytesCopied = total };
                    }

                    firstPiece = false;
                    metrics.SliceFetched(request.RouteId);
                    var result = await StreamCopier.CopyAsync(content!.Body, context.Response.BodyWriter, options with { ExpectedLength = piece.Length }, context.RequestAborted);
                    total += result.BytesCopied;
                    if (!result.IsSuccess)
                    {
                        return result with { BytesCopied = total };
                    }
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

    /// <summary>Opens one piece pinned to the planned version; a failure is the outcome the response ends with.</summary>
    private static async Task<(ObjectContent? Content, CopyResult? Failure)> OpenPieceAsync(StorageRequest request, ObjectInfo info, ByteSpan piece)
    {
        try
        {
            var content = await request.Store.OpenReadAsync(request.Key, piece, ifMatch: info.ETag, request.Context.RequestAborted);
            return content is null
                ? (null, new CopyResult(CopyOutcome.SourceFailed, 0, new StorageException(StorageErrorKind.NotFound, $"'{request.Key}' vanished mid-response")))
                : (content, null);
        }
        catch (StorageException ex)
        {
            return (null, new CopyResult(CopyOutcome.SourceFailed, 0, ex));
        }
        catch (OperationCanceledException) when (request.Context.RequestAborted.IsCancellationRequested)
        {
            // The client left while the next slice was being opened: an outcome like any other, not an exception.
            return (null, new CopyResult(CopyOutcome.Canceled, 0));
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
