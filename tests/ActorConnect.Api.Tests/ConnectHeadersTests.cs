using ActorConnect.Api.Data;

namespace ActorConnect.Api.Tests;

public class ConnectHeadersTests
{
    [Fact]
    public void Adding_returns_new_headers_and_keys_may_repeat()
    {
        var empty = ConnectHeaders.Empty;
        var one = empty.AddString("k", "1");
        var two = one.AddString("k", "2").Add(new Header("n", Schema.Int32Schema, 5));

        Assert.Empty(empty);
        Assert.Single(one);
        Assert.Equal(3, two.Count);
        Assert.Equal("2", two.LastWithName("k")!.Value);
        Assert.Equal(new object?[] { "1", "2" }, two.AllWithName("k").Select(h => h.Value));
        Assert.Same(Schema.OptionalStringSchema, two[0].Schema);
        Assert.Null(two.LastWithName("missing"));
        Assert.Equal(new[] { "n" }, two.Remove("k").Select(h => h.Key));
        Assert.Equal(3, two.Count);
    }
}
