namespace StreamForge.Gateway.Configuration;

/// <summary>A named, validated set of streaming limits that routes reference from their metadata.</summary>
internal sealed record StreamPolicy(string Name, BufferPolicy Buffer, UploadPolicy Upload)
{
    /// <summary>The policy used by routes that name none.</summary>
    public const string DefaultName = "default";

    public static StreamPolicy Default { get; } = new(DefaultName, BufferPolicy.Default, UploadPolicy.Default);
}
