namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// Debezium's incremental snapshot keys: the hex of a Java-serialized Object[]. The expected hex strings were written
/// by Java 17's ObjectOutputStream (Debezium's own way: writeObject of the key's Object[], then hex), from
/// /usr/bin/java on this machine.
/// </summary>
public sealed class JavaSerializedKeyTests
{
    private const string Int42 = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b02000078700000002a";
    private const string IntNegativeAndMax = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000002737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870fffffff97371007e00027fffffff";
    private const string Long9e9 = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c0200007870000000017372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b02000078700000000218711a00";
    private const string Text = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c02000078700000000174001168c3a96c6c6f20e2988320eda0b4edb49e";
    private const string Mixed = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000005737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000003740001617372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c75657871007e00030000000000000005740001627371007e000200000004";
    private const string Uuid = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c0200007870000000017372000e6a6176612e7574696c2e55554944bc9903f7986d852f0200024a000c6c65617374536967426974734a000b6d6f7374536967426974737870a456426614174000123e4567e89b12d3";
    private const string Booleans = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000002737200116a6176612e6c616e672e426f6f6c65616ecd207280d59cfaee0200015a000576616c75657870017371007e000200";
    private const string NullThenOne = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c02000078700000000270737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000001";
    private const string Short12 = "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c0200007870000000017372000f6a6176612e6c616e672e53686f7274684d37133460da5202000153000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870000c";

    public static TheoryData<string, string?[], string[]> Keys => new()
    {
        { Int42, ["42"], ["integer"] },
        { IntNegativeAndMax, ["-7", "2147483647"], ["integer", "integer"] },
        { Long9e9, ["9000000000"], ["bigint"] },
        { Text, ["héllo ☃ 𝄞"], ["text"] },
        { Mixed, ["3", "a", "5", "b", "4"], ["integer", "character varying(10)", "bigint", "text", "smallint"] },
        { Uuid, ["123e4567-e89b-12d3-a456-426614174000"], ["uuid"] },
        { Booleans, ["true", "false"], ["boolean", "boolean"] },
        { NullThenOne, [null, "1"], ["integer", "integer"] },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_key_is_written_byte_for_byte_as_Java_writes_it_and_read_back(string java, string?[] key, string[] types)
    {
        Assert.Equal(java, JavaSerializedKey.Write(key, types));
        Assert.Equal(key, JavaSerializedKey.Read(java));
    }

    [Fact]
    public void A_Java_Short_reads_as_its_number()
    {
        Assert.Equal(["12"], JavaSerializedKey.Read(Short12));
    }

    [Fact]
    public void A_key_of_a_type_without_a_Java_form_here_is_not_written_and_a_stream_this_cannot_read_reads_as_null()
    {
        Assert.Null(JavaSerializedKey.Write(["1.5"], ["numeric(10,2)"]));
        Assert.Null(JavaSerializedKey.Read(Int42[..^4]));
        Assert.Null(JavaSerializedKey.Read(Int42 + "00"));
        Assert.Null(JavaSerializedKey.Read("aced0005zz"));
    }

    [Fact]
    public void The_offset_holds_Debeziums_form_where_the_key_has_one_and_JSON_where_it_has_not()
    {
        var java = new IncrementalProgress([new("public.t")], ["42"], ["42"], ["integer"]).ToOffset();
        Assert.Equal((Int42, Int42), (java[IncrementalProgress.PrimaryKeyKey], java[IncrementalProgress.MaximumKeyKey]));
        Assert.Equal(["42"], IncrementalProgress.FromOffset(java)!.LastKey);

        var json = new IncrementalProgress([new("public.t")], ["1.50"], ["9.00"], ["numeric(10,2)"]).ToOffset();
        Assert.Equal("""["1.50"]""", json[IncrementalProgress.PrimaryKeyKey]);
        Assert.Equal(["9.00"], IncrementalProgress.FromOffset(json)!.MaximumKey);
    }
}
