using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>Creates the one AmazonS3Client the gateway shares across S3 clusters (it pools its connections).</summary>
internal static class S3ClientFactory
{
    public static IAmazonS3 Create(S3Settings settings)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
        };
        if (settings.ServiceUrl is not null)
        {
            config.ServiceURL = settings.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }

        return settings.AccessKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config)
            : new AmazonS3Client(config); // AWS default chain: environment, profile, IMDS/ECS/IRSA.
    }
}
