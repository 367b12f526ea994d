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

    // tus 1.0.0: "metadata can contain arbitrary binary values"; only text is used (a file name, a type).
    [Fact]
    public void A_binary_value_is_accepted_as_no_text_and_a_NUL_as_text()
    {
        var values = UploadMetadata.Parse("bin //79,nul AA==", out _);

        Assert.NotNull(values);
        Assert.Null(values["bin"]);
        Assert.Equal("\0", values["nul"]);
    }

    [Fact]
    public void An_absent_header_is_no_metadata() => Assert.Empty(UploadMetadata.Parse(null, out _)!);

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("a YQ==,a Yg==")]
    [InlineData("a YQ== extra")]
    [InlineData(" ,a YQ==")]
    [InlineData("k\u00e9 YQ==")] // echoed on HEAD, where a response header cannot carry it
    [InlineData("a\tb YQ==")]
    public void Refuses_malformed_metadata(string header)
    {
        Assert.Null(UploadMetadata.Parse(header, out var problem));
        Assert.NotEmpty(problem);
    }
}
