using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms.Tests;

public class FieldPathTests
{
    [Theory]
    [InlineData("foo", new[] { "foo" })]
    [InlineData("foo.bar", new[] { "foo", "bar" })]
    [InlineData("foo.bar.baz", new[] { "foo", "bar", "baz" })]
    [InlineData("`foo.bar`.baz", new[] { "foo.bar", "baz" })]
    [InlineData("foo.`bar.baz`", new[] { "foo", "bar.baz" })]
    [InlineData("`foo`bar`.baz", new[] { "foo`bar", "baz" })]
    [InlineData("`foo\\`.bar`.baz", new[] { "foo`.bar", "baz" })]
    [InlineData("foo.", new[] { "foo", "" })]
    [InlineData(".foo", new[] { "", "foo" })]
    public void V2_splits_on_dots_outside_backticks(string path, string[] steps)
    {
        Assert.Equal(steps, new FieldPath(path, FieldSyntaxVersion.V2).Steps);
    }

    [Fact]
    public void V1_keeps_the_whole_text()
    {
        Assert.Equal(["foo.bar"], new FieldPath("foo.bar", FieldSyntaxVersion.V1).Steps);
    }

    [Theory]
    [InlineData("`foo.bar")]
    [InlineData("`foo\\`")]
    public void An_unclosed_backtick_is_refused(string path)
    {
        var e = Assert.Throws<ConfigException>(() => new FieldPath(path, FieldSyntaxVersion.V2));

        Assert.StartsWith($"Incomplete backtick pair in path: [{path}], consider adding a backslash before backtick at position 0", e.Message);
    }
}
