using System.Collections.Concurrent;
using StreamForge.Gateway.Storage.FileSystem;
using StreamForge.Gateway.Storage.S3;
using Yarp.ReverseProxy.Configuration;

namespace StreamForge.Gateway.Storage;

/// <summary>
/// Finds the object store behind a YARP cluster whose destination is <c>s3://</c> or <c>file:</c>.
/// Stores are cached by address, so a configuration reload that keeps an address keeps its store.
/// </summary>
internal sealed class StorageClusterRegistry(Lazy<S3Clients> s3Clients, S3Settings s3Settings, IHostEnvironment environment, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, IObjectStore> _stores = new(StringComparer.Ordinal);

    /// <summary>The store serving the cluster, or null for an HTTP origin cluster.</summary>
    public IObjectStore? Find(ClusterConfig cluster)
    {
        var address = cluster.Destinations?.Values.FirstOrDefault()?.Address;
        if (address is null || !StorageAddress.IsStorage(address))
        {
            return null;
        }

        return _stores.GetOrAdd(address, Create);
    }

    private IObjectStore Create(string address)
    {
        // Addresses were validated with the rest of the configuration (Configuration/GatewaySettingsLoader.cs).
        var parsed = StorageAddress.Parse(address, environment.ContentRootPath, out var problem)
            ?? throw new InvalidOperationException(problem);
        return parsed switch
        {
            S3StorageAddress s3 => new S3ObjectStore(s3Clients.Value.Sdk, s3Clients.Value.Bodies, s3, s3Settings.ResponseTimeout, s3Settings.VerifyDownloads, loggers.CreateLogger<S3ObjectStore>()),
            FileStorageAddress file => new FileObjectStore(new FileStorePaths(file.Root)),
            _ => throw new InvalidOperationException($"no store for '{address}'"),
        };
    }
}
