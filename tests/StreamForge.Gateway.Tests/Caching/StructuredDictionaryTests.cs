using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 8941 section 4.2.2: the Dictionary syntax of CDN-Cache-Control (RFC 9213 section 2.1).
public sealed class StructuredDictionaryTests
{
    [Theory]
    [InlineData("max-age=60", "max-age:Integer")]
    [InlineData("no-store, max-age=60 ,  private", "no-store:Boolean max-age:Integer private:Boolean")]
    [InlineData("a=1.5, b=\"x\\\"y\", c=tok/en:1, d=:AQID:, e=?0, f=(1 2);p, g;q=w", "a:Decimal b:String c:Token d:ByteSequence e:Boolean f:InnerList g:Boolean")]
    [InlineData("a=1, a=\"x\"", "a:String")]
    [InlineData("*x=-5", "*x:Integer")]
    public void Reads_each_members_key_and_value_type(string field, string expected)
    {
        var members = StructuredDictionary.Parse(field);

        Assert.NotNull(members);
        Assert.Equal(expected, string.Join(' ', members.Select(member => $"{member.Key}:{member.Value.Kind}")));
    }

    [Theory]
    [InlineData("max-age=10000, &&&&&")]
    [InlineData("Max-Age=60")]
    [InlineData("max-age=60,")]
    [InlineData("max-age=")]
    [InlineData("max-age=1234567890123456")]
    [InlineData("a=\"unterminated")]
    [InlineData("a=(1 2")]
    [InlineData("a=?2")]
    [InlineData("a=1 b=2")]
    public void Refuses_what_is_not_a_Dictionary(string field) => Assert.Null(StructuredDictionary.Parse(field));
}
