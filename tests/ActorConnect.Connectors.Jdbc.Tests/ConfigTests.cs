using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>Configuration parsing: JDBC URLs, kafka-connect-jdbc's key rules, offsets, aliases.</summary>
public sealed class ConfigTests
{
    [Fact]
    public void A_jdbc_url_becomes_an_Npgsql_connection_string_and_connection_user_wins()
    {
        var cs = new NpgsqlConnectionStringBuilder(PgConnections.ConnectionString(
            "jdbc:postgresql://db.example:6543/sales?user=u1&password=p%401&sslmode=require&currentSchema=app", null, null, "UTC", 30));
        Assert.Equal(("db.example", 6543, "sales", "u1", "p@1", SslMode.Require, "app"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password, cs.SslMode, cs.SearchPath));

        var overridden = new NpgsqlConnectionStringBuilder(PgConnections.ConnectionString("jdbc:postgresql://h/db?user=a&password=b", "c", "d", "Europe/Paris", 30));
        Assert.Equal(("h", 5432, "c", "d", "Europe/Paris"), (overridden.Host, overridden.Port, overridden.Username, overridden.Password, overridden.Timezone));

        var npgsql = new NpgsqlConnectionStringBuilder(PgConnections.ConnectionString("Host=x;Port=1;Database=y;Username=z", null, "pw", "UTC", 30));
        Assert.Equal(("x", 1, "y", "z", "pw"), (npgsql.Host, npgsql.Port, npgsql.Database, npgsql.Username, npgsql.Password));
    }

    [Fact]
    public void Offsets_keep_Confluents_shape_and_microseconds()
    {
        var ts = new DateTime(2024, 2, 29, 12, 34, 56, DateTimeKind.Utc).AddTicks(1_234_567);
        var map = new SourceOffset(42, ts).ToMap();
        Assert.Equal(42L, map["incrementing"]);
        Assert.Equal(1709210096123L, map["timestamp"]);
        Assert.Equal(123_456_700L, map["timestamp_nanos"]);
        Assert.Equal(new SourceOffset(42, ts), SourceOffset.FromMap(map));
        Assert.Equal(new SourceOffset(7, null), SourceOffset.FromMap(new Dictionary<string, object?> { ["incrementing"] = 7 }));
        Assert.Equal(SourceOffset.Empty, SourceOffset.FromMap(null));
    }

    [Fact]
    public void Source_keys_follow_kafka_connect_jdbc_rules()
    {
        var basic = new Dictionary<string, string> { ["connection.url"] = "jdbc:postgresql://h/db", ["topic.prefix"] = "p-", ["mode"] = "incrementing" };
        Assert.Equal(100, JdbcSourceConfig.Parse(basic).MaxRows);
        Assert.Contains("mode", Assert.Throws<ConfigException>(() => JdbcSourceConfig.Parse(basic.Where(kv => kv.Key != "mode").ToDictionary())).Message);
        Assert.Contains("timestamp.column.name", Assert.Throws<ConfigException>(() => JdbcSourceConfig.Parse(new Dictionary<string, string>(basic) { ["mode"] = "timestamp" })).Message);
        Assert.Contains("exclusive", Assert.Throws<ConfigException>(() => JdbcSourceConfig.Parse(new Dictionary<string, string>(basic) { ["table.whitelist"] = "a", ["table.blacklist"] = "b" })).Message);
        Assert.Contains("numeric.mapping", Assert.Throws<ConfigException>(() => JdbcSourceConfig.Parse(new Dictionary<string, string>(basic) { ["numeric.mapping"] = "fast" })).Message);
    }

    [Fact]
    public void Sink_keys_follow_kafka_connect_jdbc_rules()
    {
        var basic = new Dictionary<string, string> { ["connection.url"] = "jdbc:postgresql://h/db" };
        var parsed = JdbcSinkConfig.Parse(basic);
        Assert.Equal(("insert", "none", 3000, 10, 3000, "${topic}"), (parsed.Insert, parsed.Pk, parsed.Batch, parsed.Retries, parsed.BackoffMs, parsed.TableFormat));
        Assert.Contains("pk.mode=record_key", Assert.Throws<ConfigException>(() => JdbcSinkConfig.Parse(new Dictionary<string, string>(basic) { ["delete.enabled"] = "true" })).Message);
        Assert.Contains("needs a primary key", Assert.Throws<ConfigException>(() => JdbcSinkConfig.Parse(new Dictionary<string, string>(basic) { ["insert.mode"] = "upsert" })).Message);
        Assert.Equal(["a", "b"], JdbcSinkConfig.Parse(new Dictionary<string, string>(basic) { ["fields.include.list"] = "a,b" }).Fields);
        Assert.Equal("\"s\".\"orders_t\"", SinkTables.QuotedName("s.orders_${topic}", "t"));
    }

    [Fact]
    public void Table_lists_match_plain_schema_qualified_and_fully_qualified_names()
    {
        TableId[] all = [new("db", "public", "orders"), new("db", "public", "users"), new("db", "audit", "orders")];
        IEnumerable<string> Pick(params (string Key, string Value)[] extra)
        {
            var props = new Dictionary<string, string> { ["connection.url"] = "jdbc:postgresql://h/db", ["topic.prefix"] = "p-", ["mode"] = "bulk" };
            foreach (var (k, v) in extra)
            {
                props[k] = v;
            }

            return TableLister.Filter(all, JdbcSourceConfig.Parse(props)).Select(t => t.Fqn);
        }

        Assert.Equal(["db.public.orders", "db.public.users", "db.audit.orders"], Pick());
        Assert.Equal(["db.public.orders", "db.audit.orders"], Pick(("table.whitelist", "orders")));
        Assert.Equal(["db.audit.orders"], Pick(("table.whitelist", "audit.orders")));
        Assert.Equal(["db.public.users"], Pick(("table.blacklist", "orders")));
        Assert.Equal(["db.public.orders", "db.public.users"], Pick(("table.include.list", "db\\.public\\..*")));
        Assert.Equal(["db.public.users"], Pick(("table.exclude.list", ".*orders")));
        Assert.Contains("nope", Assert.Throws<ConnectException>(() => Pick(("table.whitelist", "orders,nope")).ToList()).Message);
    }

    [Fact]
    public void Validation_reports_rules_spanning_keys_on_the_key_at_fault()
    {
        var source = new JdbcSourceConnector().Validate(new Dictionary<string, string>
        {
            ["connection.url"] = "jdbc:postgresql://h/db", ["topic.prefix"] = "p-", ["mode"] = "timestamp",
        });
        Assert.Contains(source.Single(v => v.Name == "timestamp.column.name").Errors, e => e.Contains("needs the timestamp column", StringComparison.Ordinal));
        var sink = new JdbcSinkConnector().Validate(new Dictionary<string, string> { ["connection.url"] = "jdbc:postgresql://h/db", ["insert.mode"] = "upsert" });
        Assert.Contains(sink.Single(v => v.Name == "pk.mode").Errors, e => e.Contains("needs a primary key", StringComparison.Ordinal));
        Assert.All(new JdbcSinkConnector().Validate(new Dictionary<string, string> { ["connection.url"] = "jdbc:postgresql://h/db" }), v => Assert.Empty(v.Errors));
    }

    [Fact]
    public void Connectors_answer_to_Confluents_class_names()
    {
        Assert.Contains("io.confluent.connect.jdbc.JdbcSourceConnector", JdbcSourceConnector.Aliases);
        Assert.Contains("io.confluent.connect.jdbc.JdbcSinkConnector", JdbcSinkConnector.Aliases);
        Assert.Equal(typeof(JdbcSourceTask), new JdbcSourceConnector().TaskType);
        Assert.Equal(typeof(JdbcSinkTask), new JdbcSinkConnector().TaskType);
    }
}
