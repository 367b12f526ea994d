namespace StreamForge.Gateway.Storage.S3;

/// <param name="Response">How long S3 may take to send response headers once a request (and its body) is sent.</param>
/// <param name="Stall">How long S3 may accept none of a request body that is ready to go.</param>
internal readonly record struct S3Timeouts(TimeSpan Response, TimeSpan Stall);
