using Amazon.S3.Model;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>What must live as long as a GET's body: the SDK's response (which owns the connection) and the call's timer.</summary>
internal sealed class S3ReadLease(GetObjectResponse response, S3CallTimer timer) : IDisposable
{
    public void Dispose()
    {
        response.Dispose();
        timer.Dispose();
    }
}
