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
                    // A part's header goes only once its first piece is open, and the first part's once its first byte
                    // is read (the edge cache opens lazily): the first part's pinned read then fails (object replaced
                    // since the metadata read) before the 206 starts, and the request is planned again.
                    var lead = ReadOnlyMemory<byte>.Empty;
                    if (firstPiece && multipart is not null && index == 0)
                    {
                        var (first, readFailure) = await ReadFirstByteAsync(content!.Body, request.Context.RequestAborted);
                        if (readFailure is { } unread)
                        {
                            return unread with { BytesCopied = total };
                        }

                        lead = first;
                    }

                    if (firstPiece && multipart is not null && await WriteFramingAsync(context, multipart.GetPartHeader(index)) is { } framingFailure)
                    {
                        return framingFailure with { BytesCopied = total };
                    }

                    if (!lead.IsEmpty && await WriteFramingAsync(context, lead) is { } leadFailure)
                    {
                        return leadFailure with { BytesCopied = total };
                    }

                    total += lead.Length;
                    firstPiece = false;
                    metrics.SliceFetched(request.RouteId);
                    var result = await StreamCopier.CopyAsync(content!.Body, context.Response.BodyWriter, options with { ExpectedLength = piece.Length - lead.Length }, context.RequestAborted);
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

    /// <summary>The first byte of a piece (at least one: spans are never empty), or why it could not be read.</summary>
    private static async Task<(byte[] Byte, CopyResult? Failure)> ReadFirstByteAsync(Stream body, CancellationToken cancellationToken)
    {
        var first = new byte[1];
        try
        {
            return await body.ReadAsync(first, cancellationToken) == 1
                ? (first, null)
                : (first, new CopyResult(CopyOutcome.SourceFailed, 0, new IOException("the part's body ended before its first byte")));
        }
        catch (StorageException ex)
        {
            return (first, new CopyResult(CopyOutcome.SourceFailed, 0, ex));
        }
        catch (IOException ex)
        {
            return (first, new CopyResult(CopyOutcome.SourceFailed, 0, ex));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (first, new CopyResult(CopyOutcome.Canceled, 0));
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
