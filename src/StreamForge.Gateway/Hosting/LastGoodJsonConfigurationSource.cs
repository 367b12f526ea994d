using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// A JSON configuration file that keeps its last good content when a change to it cannot be parsed (an editor's
/// half-written save, a truncated deploy) or when the file is gone (deleted, or a deploy that removes it before writing
/// the new one). .NET's own provider empties its data in both cases, and with it every route and policy the file held:
/// the gateway answered 404 everywhere, without a word, until the file was back. The refusal is reported through
/// <see cref="Provider.Refused"/> for the log. At start-up a bad or missing required file still stops the gateway.
/// </summary>
internal sealed class LastGoodJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        if (FileProvider is not null and not VanishedFileAware)
        {
            FileProvider = new VanishedFileAware(FileProvider);
        }

        return new Provider(this);
    }

    internal sealed class Provider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private bool _loaded;

        /// <summary>A change to the file was not applied: the file's path and why.</summary>
        public event Action<string, Exception>? Refused;

        public override void Load(Stream stream)
        {
            if (stream is VanishedFile.Content)
            {
                var missing = new FileNotFoundException($"the file {Source.Path} is missing");
                if (_loaded)
                {
                    Refused?.Invoke(Source.Path ?? string.Empty, missing);
                    return;
                }

                // As .NET's provider: an optional file that is not there has no settings; a required one stops the start.
                if (Source.Optional)
                {
                    return;
                }

                throw missing;
            }

            try
            {
                base.Load(stream); // Replaces the data only once the whole file has parsed.
                _loaded = true;
            }
            catch (Exception ex) when (_loaded)
            {
                Refused?.Invoke(Source.Path ?? string.Empty, ex);
            }
        }
    }

    /// <summary>
    /// Presents a missing file as one that is there but reads as <see cref="VanishedFile.Content"/>, so that the
    /// provider, not .NET's base class (which empties the data first), decides what a missing file means.
    /// </summary>
    private sealed class VanishedFileAware(IFileProvider inner) : IFileProvider
    {
        public IFileInfo GetFileInfo(string subpath)
        {
            var file = inner.GetFileInfo(subpath);
            return file.Exists ? file : new VanishedFile(file.Name);
        }

        public IDirectoryContents GetDirectoryContents(string subpath) => inner.GetDirectoryContents(subpath);

        public IChangeToken Watch(string filter) => inner.Watch(filter);
    }

    private sealed class VanishedFile(string name) : IFileInfo
    {
        public bool Exists => true;

        public long Length => 0;

        // No physical path: the base class then opens the file through CreateReadStream.
        public string? PhysicalPath => null;

        public string Name => name;

        public DateTimeOffset LastModified => DateTimeOffset.MinValue;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => new Content();

        /// <summary>The content of a file that is not there: a marker, never read.</summary>
        internal sealed class Content : MemoryStream;
    }
}
