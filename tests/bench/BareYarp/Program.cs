using Yarp.ReverseProxy.Configuration;

// The reference forwarder for the benchmark: YARP as it ships, on the gateway's socket scheduling (below), one
// catch-all route to the origin given with --Origin, nothing else in the pipeline. Whatever the gateway costs on top
// of this is the gateway's own.
var builder = WebApplication.CreateBuilder(args);
var origin = builder.Configuration["Origin"] ?? throw new InvalidOperationException("--Origin http://host:port/ is required");
// The gateway sends no Server header either; keep the responses byte-for-byte comparable.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
// The gateway's socket scheduling (src/StreamForge.Gateway/Hosting/InlineIo.cs), from the same variable, so that the
// comparison is of the gateway's own work, not of how its I/O is scheduled.
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling =
    Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1");

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "origin", Match = new RouteMatch { Path = "/{**rest}" } }],
    [new ClusterConfig
    {
        ClusterId = "origin",
        Destinations = new Dictionary<string, DestinationConfig> { ["origin"] = new() { Address = origin } },
    }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
