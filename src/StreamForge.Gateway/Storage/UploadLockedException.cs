namespace StreamForge.Gateway.Storage;

/// <summary>Another request (of this or another gateway) is writing to the same resumable upload.</summary>
internal sealed class UploadLockedException(string message) : Exception(message);
