namespace StreamForge.Gateway.Proxy;

/// <summary>The JSON body answering a successful PUT.</summary>
internal sealed record UploadReceipt(string Key, long Size, string ETag);
