using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Errors;

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
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.FormExpected,
                "POST takes multipart/form-data with a file part; use PUT for a raw body");
            return;
        }

        if (!await UploadGate.AdmitAsync(request) || await WritePreconditions.CheckAsync(request) is not { Proceed: true } admission)
        {
            return;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        var section = await NextFileSectionAsync(reader, context);
        if (section is not null)
        {
            await uploads.StoreAsync(request, admission, section.Body, declared: null, section.ContentType, checksums: []);
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
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // A malformed form (bad boundary framing, oversized part headers) is the client's error, not a 500.
            await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.UploadIncomplete,
                $"the form could not be read ({ex.Message}); nothing was stored");
            return null;
        }
    }
}
