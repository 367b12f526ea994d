using Microsoft.Extensions.Configuration.Json;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// A JSON configuration file that keeps its last good content when a change to it cannot be parsed (an editor's
/// half-written save, a truncated deploy). .NET's own provider empties its data then, and with it every route and policy
/// the file held: the gateway answered 404 everywhere, without a word, until the file was fixed. The refusal is
/// reported through <see cref="Provider.Refused"/> for the log. At start-up a bad file still stops the gateway.
/// </summary>
internal sealed class LastGoodJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    internal sealed class Provider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private bool _loaded;

        /// <summary>A change to the file was not applied: the file's path and why.</summary>
        public event Action<string, Exception>? Refused;

        public override void Load(Stream stream)
        {
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
}
