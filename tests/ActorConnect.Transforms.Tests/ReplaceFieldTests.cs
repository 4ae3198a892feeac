using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class ReplaceFieldTests
{
    private static ReplaceField Make(bool key, params (string, string)[] config) =>
        key ? Configured<ReplaceFieldKey>(config) : Configured<ReplaceFieldValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Schemaless_exclude_and_renames(bool key)
    {
        var transform = Make(key, ("exclude", "dont"), ("renames", "abc:xyz,foo:bar"));
        var value = Map(("dont", "whatever"), ("abc", 42), ("foo", true), ("etc", "etc"));

        var (schema, updated) = Side(transform.Apply(OnSide(key, null, value))!, key);

        Assert.Null(schema);
        Assert.Equal(Map(("xyz", 42), ("bar", true), ("etc", "etc")), (IDictionary<string, object?>)updated!);
    }

    [Fact]
    public void Schemaless_include_keeps_only_the_listed_fields()
    {
        var transform = Make(false, ("include", "abc,foo"));
        var value = Map(("abc", 42), ("foo", true), ("etc", "etc"));

        Assert.Equal(Map(("abc", 42), ("foo", true)), (IDictionary<string, object?>)transform.Apply(Value(null, value))!.Value!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Struct_include_and_renames(bool key)
    {
        var transform = Make(key, ("include", "abc,foo"), ("renames", "abc:xyz,foo:bar"));
        var schema = SchemaBuilder.Struct().Name("s").Field("dont", Schema.StringSchema).Field("abc", Schema.Int32Schema)
            .Field("foo", Schema.BooleanSchema).Field("etc", Schema.StringSchema).Build();
        var value = new Struct(schema).Put("dont", "whatever").Put("abc", 42).Put("foo", true).Put("etc", "etc");

        var (updatedSchema, updated) = Side(transform.Apply(OnSide(key, schema, value))!, key);

        Assert.Equal("s", updatedSchema!.Name);
        Assert.Equal(["xyz", "bar"], updatedSchema.Fields.Select(f => f.Name));
        Assert.Equal(42, ((Struct)updated!).Get("xyz"));
        Assert.Equal(true, ((Struct)updated).Get("bar"));
    }

    [Fact]
    public void A_changed_input_schema_gets_its_own_new_schema_and_values()
    {
        var one = SchemaBuilder.Struct().Field("line", Schema.StringSchema).Field("dropped", Schema.Int32Schema).Build();
        var two = SchemaBuilder.Struct().Field("dropped", Schema.Int32Schema).Field("extra", Schema.BooleanSchema).Field("line", Schema.StringSchema).Build();
        var transform = Make(false, ("exclude", "dropped"), ("renames", "line:message"));

        var first = (Struct)transform.Apply(Value(one, new Struct(one).Put("line", "a").Put("dropped", 1)))!.Value!;
        var second = (Struct)transform.Apply(Value(two, new Struct(two).Put("dropped", 2).Put("extra", true).Put("line", "b")))!.Value!;

        Assert.Equal(["message"], first.Schema.Fields.Select(f => f.Name));
        Assert.Equal("a", first.Get("message"));
        Assert.Equal(["extra", "message"], second.Schema.Fields.Select(f => f.Name));
        Assert.Equal((true, "b"), (second.Get("extra"), second.Get("message")));
    }

    [Fact]
    public void Exclude_wins_over_include()
    {
        var transform = Make(false, ("include", "abc,foo"), ("exclude", "foo"));

        Assert.Equal(Map(("abc", 1)), (IDictionary<string, object?>)transform.Apply(Value(null, Map(("abc", 1), ("foo", 2))))!.Value!);
    }

    [Fact]
    public void The_old_blacklist_and_whitelist_names_still_work()
    {
        var blacklist = Make(false, ("blacklist", "dont"));
        var whitelist = Make(false, ("whitelist", "abc"));
        var value = Map(("dont", 1), ("abc", 2), ("etc", 3));

        Assert.Equal(Map(("abc", 2), ("etc", 3)), (IDictionary<string, object?>)blacklist.Apply(Value(null, value))!.Value!);
        Assert.Equal(Map(("abc", 2)), (IDictionary<string, object?>)whitelist.Apply(Value(null, value))!.Value!);
    }

    [Fact]
    public void The_new_key_wins_over_the_old_one()
    {
        var transform = Make(false, ("exclude", "a"), ("blacklist", "b"));

        Assert.Equal(Map(("b", 2)), (IDictionary<string, object?>)transform.Apply(Value(null, Map(("a", 1), ("b", 2))))!.Value!);
    }

    [Fact]
    public void A_bad_rename_mapping_fails_at_configure_and_at_validation_naming_renames()
    {
        var e = Assert.Throws<ConfigException>(() => Make(false, ("renames", "abc:xyz,foo")));
        var errors = new ReplaceFieldValue().Config().Validate(new Dictionary<string, string> { ["renames"] = "abc:xyz,foo" }).Single(v => v.Name == "renames").Errors;

        Assert.Contains("Invalid value [abc:xyz, foo] for configuration renames: Invalid rename mapping: foo", e.Message);
        Assert.Equal(["Invalid value [abc:xyz, foo] for configuration renames: Invalid rename mapping: foo"], errors);
    }

    [Fact]
    public void A_tombstone_passes_unchanged()
    {
        var record = Value(null, null);

        Assert.Same(record, Make(false, ("exclude", "a")).Apply(record));
    }
}
