using StreamForge.Gateway.Resumable;

namespace StreamForge.Gateway.Tests.Resumable;

public sealed class UploadMetadataTests
{
    [Fact]
    public void Parses_the_protocol_example_with_a_key_that_has_no_value()
    {
        var values = UploadMetadata.Parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", out _);

        Assert.NotNull(values);
        Assert.Equal("world_domination_plan.pdf", values["filename"]);
        Assert.Equal(string.Empty, values["is_confidential"]);
    }

    [Fact]
    public void An_absent_header_is_no_metadata() => Assert.Empty(UploadMetadata.Parse(null, out _)!);

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("a YQ==,a Yg==")]
    [InlineData("a YQ== extra")]
    [InlineData(" ,a YQ==")]
    [InlineData("bad //79")] // base64 of bytes that are not UTF-8
    [InlineData("k\u00e9 YQ==")] // echoed on HEAD, where a response header cannot carry it
    [InlineData("a\tb YQ==")]
    public void Refuses_malformed_metadata(string header)
    {
        Assert.Null(UploadMetadata.Parse(header, out var problem));
        Assert.NotEmpty(problem);
    }
}
