using System.Buffers;

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

// The gateway's socket scheduling (src/StreamForge.Gateway/Hosting/InlineIo.cs), from the same variable, so that the
// comparison is of the gateway's own work, not of how its I/O is scheduled.
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling =
    Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1");

var app = builder.Build();
app.MapPut("/{name}", async (HttpContext context, string name) =>
{
    var path = Path.Combine(folder, Path.GetFileName(name));
    var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    try
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        // An explicit loop, not Body.CopyToAsync: Kestrel's CopyToAsync writes each pipe segment (a few KiB) on
        // its own, and with an unbuffered file that is one write syscall per segment (measured: 2-5x slower).
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(0, 64 * 1024), context.RequestAborted)) > 0)
        {
            await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
        }
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }

    return Results.StatusCode(StatusCodes.Status201Created);
});
app.Run();
