using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms.Tests;

public class SchemaCacheTests
{
    private static Schema Named(string name) => SchemaBuilder.Struct().Name(name).Build();

    [Fact]
    public void An_equal_schema_is_a_hit_and_the_least_recently_used_is_evicted()
    {
        var cache = new SchemaCache(capacity: 2);
        var builds = 0;
        Schema Build(Schema s)
        {
            builds++;
            return Named(s.Name + "-new");
        }

        var a = cache.GetOrAdd(Named("a"), Build);
        Assert.Same(a, cache.GetOrAdd(Named("a"), Build));
        cache.GetOrAdd(Named("b"), Build);
        cache.GetOrAdd(Named("a"), Build);
        cache.GetOrAdd(Named("c"), Build);

        Assert.Equal(3, builds);
        Assert.Equal(2, cache.Count);
        Assert.Same(a, cache.GetOrAdd(Named("a"), Build));
        cache.GetOrAdd(Named("b"), Build);
        Assert.Equal(4, builds);
    }
}
