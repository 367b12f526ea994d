using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Throttling;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Configuration;

/// <summary>A named, validated set of streaming limits that routes reference from their metadata.</summary>
/// <param name="ClientKey">Who "one client" is for per-client bandwidth limits.</param>
internal sealed record StreamPolicy(
    string Name, BufferPolicy Buffer, RangePolicy Range, UploadPolicy Upload, ThrottlePolicy Throttle, ClientKeyResolver ClientKey)
{
    /// <summary>When set, storage requests need a signed URL (<c>Access</c> section).</summary>
    public SignedUrlPolicy? Access { get; init; }

    /// <summary>Response headers added to storage responses (Cache-Control).</summary>
    public HeadersPolicy Headers { get; init; } = HeadersPolicy.None;

    /// <summary>tus 1.0 resumable uploads (<c>Resumable</c> section); disabled unless the section enables them.</summary>
    public ResumablePolicy Resumable { get; init; } = ResumablePolicy.Disabled;

    /// <summary>The edge cache (<c>Cache</c> section); disabled unless the section enables it.</summary>
    public CachePolicy Cache { get; init; } = CachePolicy.Disabled;

    /// <summary>The policy used by routes that name none.</summary>
    public const string DefaultName = "default";

    public static StreamPolicy Default { get; } =
        new(DefaultName, BufferPolicy.Default, RangePolicy.Default, UploadPolicy.Default, ThrottlePolicy.Unlimited, ClientKeyResolver.ByRemoteAddress);
}
