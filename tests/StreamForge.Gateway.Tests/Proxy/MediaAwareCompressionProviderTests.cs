using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Proxy;

namespace StreamForge.Gateway.Tests.Proxy;

/// <summary>Which responses get the compression wrapper: only those that may be compressed.</summary>
public sealed class MediaAwareCompressionProviderTests : IDisposable
{
    private readonly ServiceProvider _services;

    public MediaAwareCompressionProviderTests()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddResponseCompression(options =>
        {
            options.MimeTypes = CompressionSettings.MimeTypes;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        _services = services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("/media/index.m3u8", "gzip, deflate, br")]
    [InlineData("/media/manifest.mpd", "br")]
    [InlineData("/media/subtitles.vtt", "gzip")]
    [InlineData("/media/no-extension", "gzip")]
    [InlineData("/media/unknown.xyz", "*")]
    public void Text_and_unknown_types_get_the_wrapper_when_a_coding_is_accepted(string path, string acceptEncoding) =>
        Assert.True(Provider().CheckRequestAcceptsCompression(Request(path, acceptEncoding)));

    [Theory]
    [InlineData("/media/index.m3u8", "identity;q=1, *;q=0")]  // browsers' media elements
    [InlineData("/media/index.m3u8", "identity")]
    [InlineData("/media/index.m3u8", "gzip;q=0, br;q=0")]
    [InlineData("/media/index.m3u8", "deflate")]                // a coding the gateway does not produce
    [InlineData("/media/index.m3u8", "")]
    public void A_request_that_accepts_no_coding_the_gateway_produces_gets_none(string path, string acceptEncoding) =>
        Assert.False(Provider().CheckRequestAcceptsCompression(Request(path, acceptEncoding)));

    [Theory]
    [InlineData("/media/seg-00001.m4s")]  // what hls.js and dash.js fetch, with gzip, deflate, br
    [InlineData("/media/seg-00001.ts")]
    [InlineData("/media/movie.mp4")]
    [InlineData("/media/poster.jpg")]
    [InlineData("/media/large.bin")]
    public void Media_by_extension_gets_no_wrapper(string path) =>
        Assert.False(Provider().CheckRequestAcceptsCompression(Request(path, "gzip, deflate, br")));

    [Fact]
    public void A_range_request_gets_no_wrapper_since_a_ranged_answer_is_never_compressed()
    {
        var request = Request("/media/index.m3u8", "gzip");
        request.Request.Headers.Range = "bytes=0-99";

        Assert.False(Provider().CheckRequestAcceptsCompression(request));
    }

    [Fact]
    public void With_compression_off_nothing_gets_the_wrapper() =>
        Assert.False(Provider(("StreamForge:Compression:Enabled", "false")).CheckRequestAcceptsCompression(Request("/media/index.m3u8", "gzip")));

    public void Dispose() => _services.Dispose();

    private MediaAwareCompressionProvider Provider(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new MediaAwareCompressionProvider(
            _services, _services.GetRequiredService<IOptions<ResponseCompressionOptions>>(),
            new GatewaySettingsSource(GatewaySettingsLoader.Load(configuration, "/srv/gateway"), configuration, "/srv/gateway"));
    }

    private static DefaultHttpContext Request(string path, string acceptEncoding)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        if (acceptEncoding.Length > 0)
        {
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        return context;
    }
}
