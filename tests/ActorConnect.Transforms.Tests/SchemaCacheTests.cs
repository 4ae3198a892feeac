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

    [Fact]
    public void The_entry_used_last_is_still_evicted_when_it_becomes_the_least_recently_used()
    {
        var cache = new SchemaCache(capacity: 2);
        var builds = 0;
        Schema Build(Schema s)
        {
            builds++;
            return Named(s.Name + "-new");
        }

        var a = Named("a");
        var first = cache.GetOrAdd(a, Build);
        Assert.Same(first, cache.GetOrAdd(a, Build));
        cache.GetOrAdd(Named("b"), Build);
        cache.GetOrAdd(Named("c"), Build);
        Assert.Equal(3, builds);

        Assert.NotSame(first, cache.GetOrAdd(a, Build));
        Assert.Equal(4, builds);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void A_schema_that_drifts_on_keeps_sixteen_entries()
    {
        var cache = new SchemaCache<int>();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, cache.GetOrAdd(Named($"v{i}"), i, static (_, n) => n));
        }

        Assert.Equal(16, cache.Count);
    }
}
