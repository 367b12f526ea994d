using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Security;

public sealed class RequestTargetGuardTests
{
    [Theory]
    [InlineData("/videos/movie.mp4")]
    [InlineData("/videos/a%20b.mp4?x=../y")]
    [InlineData("/videos/..hidden")]
    [InlineData("/videos/a..b")]
    [InlineData("/videos/%C3%A9t%C3%A9.mp4")]
    [InlineData("/videos/a-%25FF.bin")]
    [InlineData("/videos/%F0%9F%8E%AC.mp4")]
    [InlineData("http://host/videos/movie.mp4")]
    public void Accepts_ordinary_targets(string target)
    {
        Assert.Null(RequestTargetGuardMiddleware.FindProblem(target));
    }

    [Theory]
    [InlineData("/videos/../etc/passwd")]
    [InlineData("/videos/%2e%2e/x")]
    [InlineData("/videos/%2E./x")]
    [InlineData("/videos/./x")]
    [InlineData("/videos/a%2Fb")]
    [InlineData("/videos/a%2fb")]
    [InlineData("/videos/a%5Cb")]
    [InlineData("/videos/a\\b")]
    [InlineData("/videos/a%00b")]
    [InlineData("/videos/a%0Ab")]
    [InlineData("/videos/a%7Fb")]
    [InlineData("http://127.0.0.1/x/../origin/a")]
    [InlineData("http://host:8080/videos/%2e%2e/x")]
    [InlineData("https://host/videos/./x?y=1")]
    [InlineData("/videos/..")]
    [InlineData("/videos/a-%FF.bin")]
    [InlineData("/videos/a%C0%AEb")]
    [InlineData("/videos/a%E2%82.bin")]
    [InlineData("/videos/a%ED%A0%80.bin")]
    [InlineData("/videos/100%")]
    [InlineData("/videos/a%zzb")]
    [InlineData("/videos/a%4")]
    public void Rejects_targets_that_could_change_the_key(string target)
    {
        Assert.NotNull(RequestTargetGuardMiddleware.FindProblem(target));
    }
}
