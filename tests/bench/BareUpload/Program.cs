// The reference for the upload benchmark: Kestrel writing a PUT body to a file in --Folder, nothing else.
// It copies in 64 KiB writes to an unbuffered file, the shape of the gateway's file store, so the difference
// between the two is the gateway's own cost (routing, checks, temp file and rename, metrics).
var builder = WebApplication.CreateBuilder(args);
var folder = builder.Configuration["Folder"] ?? throw new InvalidOperationException("--Folder /path is required");
Directory.CreateDirectory(folder);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    // Kestrel's default 30 MB limit would refuse the benchmark's uploads.
    kestrel.Limits.MaxRequestBodySize = null;
});

var app = builder.Build();
app.MapPut("/{name}", async (HttpContext context, string name) =>
{
    var path = Path.Combine(folder, Path.GetFileName(name));
    await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
    {
        await context.Request.Body.CopyToAsync(file, 64 * 1024, context.RequestAborted);
    }

    return Results.StatusCode(StatusCodes.Status201Created);
});
app.Run();
