using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.Tests.Hosting;

public sealed class InlineIoTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData(null, false)] // unset: the runtime's default (the gateway's Main sets "1" before it gets here)
    [InlineData("0", false)]
    // The runtime takes only "1" as on; the gateway's Kestrel setting must never disagree with its sockets.
    [InlineData("true", false)]
    [InlineData("", false)]
    public void The_variable_decides_as_the_runtime_reads_it(string? value, bool inline)
    {
        Assert.Equal(inline, InlineIo.IsOn(value));
    }
}
