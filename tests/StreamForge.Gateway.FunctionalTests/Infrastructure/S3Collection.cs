namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "s3";
}
