using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// POST multipart/form-data (a browser form or a fetch upload): the first file part streams into the store
/// under the URL's key, read section by section straight from the request body, never buffering the form.
/// </summary>
internal sealed class FormUploadHandler(ObjectUploadHandler uploads)
{
    public async Task HandleAsync(StorageRequest request)
    {
        var context = request.Context;
        // Whether this client may write here at all comes first: a read-only route answers 405 (with Allow) to any POST,
        // and a client without the right credentials learns nothing about what its form should have been.
        if (!await UploadGate.AdmitAsync(request))
        {
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.FormExpected,
                "POST takes multipart/form-data with a file part; use PUT for a raw body");
            return;
        }

        // The request's own digest headers cover the whole multipart body, not the object, and the object is stored
        // before the form's end is read: refused rather than left unchecked. The file part's headers can carry one.
        if (ExpectedChecksum.FromHeaders(context.Request.Headers, out var formDigestProblem) is { Count: > 0 } || formDigestProblem is not null)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidChecksum,
                "Content-MD5 and x-amz-checksum-* on a form POST would cover the whole form, not the file: put them in the file part's headers (RFC 1864), or PUT the file");
            return;
        }

        if (await WritePreconditions.CheckAsync(request) is not { Proceed: true } admission)
        {
            return;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        var section = await NextFileSectionAsync(reader, context);
        if (section is not null)
        {
            // A MIME part may carry the digest of its own content (RFC 1864 section 1): that one is the object's.
            var checksums = ExpectedChecksum.FromHeaders(new HeaderDictionary(section.Headers ?? []), out var checksumProblem);
            if (checksumProblem is not null)
            {
                await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidChecksum, $"the file part's {checksumProblem}");
                return;
            }

            await uploads.StoreAsync(request, admission, section.Body, declared: null, section.ContentType, checksums);
            return;
        }

        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.FilePartMissing,
            "the form has no file part");
    }

    /// <summary>The first file part; fields before it are skipped (drained through the reader's small buffer).</summary>
    private static async Task<MultipartSection?> NextFileSectionAsync(MultipartReader reader, HttpContext context)
    {
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null)
            {
                if (section.GetContentDispositionHeader() is { } disposition && disposition.IsFileDisposition())
                {
                    return section;
                }
            }

            return null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status408RequestTimeout
            && !context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel's limits, met in the fields before the file part (an IOException too, but not a malformed form).
            var (status, code) = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? (StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge)
                : (StatusCodes.Status408RequestTimeout, ErrorCodes.UploadTooSlow);
            await ProblemResponder.WriteAsync(context, status, code, $"the form could not be read ({ex.Message}); nothing was stored");
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // A malformed form (bad boundary framing, oversized part headers) is the client's error, not a 500.
            await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.UploadIncomplete,
                $"the form could not be read ({ex.Message}); nothing was stored");
            return null;
        }
    }
}
