namespace StreamForge.Gateway.Security;

/// <summary>A stream policy's <c>Access</c> section: storage requests must carry a valid, unexpired signature.</summary>
/// <param name="Keys">HMAC-SHA256 keys by id; several ids let keys rotate (sign with the new, accept both a while).</param>
/// <param name="BindClientAddress">Signatures name the client address they were minted for.</param>
internal sealed record SignedUrlPolicy(IReadOnlyDictionary<string, byte[]> Keys, bool BindClientAddress);
