using Amazon.S3;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>AWSSDK's client for every S3 call, and the body client that sends PutObject bodies over presigned URLs.</summary>
internal sealed record S3Clients(IAmazonS3 Sdk, S3BodyClient Bodies);
