using ActorConnect.Api.Errors;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>What the first poll says when streaming cannot start: the cause, the fix, and whether a retry can help.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_wrong_password_fails_naming_database_password()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = new TaskRunner(db.Config("srv", ("database.password", "wrong")));
        var e = Assert.Throws<ConnectException>(() => task.PollOnce());
        Assert.IsNotType<RetriableException>(e);
        Assert.Contains("refused the login", e.Message, StringComparison.Ordinal);
        Assert.Contains("Fix database.user / database.password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_is_down_is_retried_and_the_message_says_where()
    {
        var config = new Dictionary<string, string>
        {
            ["database.hostname"] = "127.0.0.1", ["database.port"] = "1", ["database.user"] = "u", ["database.dbname"] = "d", ["topic.prefix"] = "srv", ["snapshot.mode"] = "no_data",
        };
        using var task = new TaskRunner(config);
        var e = Assert.Throws<RetriableException>(() => task.PollOnce());
        Assert.Contains("PostgreSQL at 127.0.0.1:1/d as user u is unreachable", e.Message, StringComparison.Ordinal);
        Assert.Contains("database.hostname / database.port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_REPLICATION_fails_with_the_ALTER_ROLE_that_fixes_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        var role = db.Name + "_noreplication";
        await db.ExecAsync($"CREATE ROLE {role} LOGIN PASSWORD 'pw' NOREPLICATION");
        try
        {
            using var task = new TaskRunner(db.Config("srv", ("database.user", role), ("database.password", "pw")));
            var e = Assert.Throws<ConnectException>(() => task.PollOnce());
            Assert.Contains($"User {role} (database.user) may not stream changes: it lacks the REPLICATION attribute", e.Message, StringComparison.Ordinal);
            Assert.Contains($"ALTER ROLE \"{role}\" REPLICATION", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await db.ExecAsync($"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task A_slot_held_by_another_connection_is_retried_naming_the_slot_and_the_fix()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"CREATE PUBLICATION {db.Publication} FOR ALL TABLES");
        await using var other = new LogicalReplicationConnection(db.ConnectionString);
        await other.Open();
        var slot = await other.CreatePgOutputReplicationSlot(db.Slot);
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in other.StartReplication(slot, new PgOutputReplicationOptions(db.Publication, PgOutputProtocolVersion.V1), stop.Token))
            {
            }
        });
        await TestSupport.Eventually.AssertAsync(async () => await db.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{db.Slot}'"),
            TimeSpan.FromSeconds(30), "the other connection holds the slot");

        using var task = new TaskRunner(db.Config("srv"));
        var e = Assert.Throws<RetriableException>(() => task.PollOnce());
        Assert.Contains($"Replication slot '{db.Slot}' (slot.name) is held by another connection", e.Message, StringComparison.Ordinal);
        Assert.Contains("give this connector its own slot.name", e.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task A_missing_publication_with_autocreate_disabled_fails_with_the_CREATE_PUBLICATION_to_run()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = new TaskRunner(db.Config("srv", ("publication.autocreate.mode", "disabled")));
        var e = Assert.Throws<ConnectException>(() => task.PollOnce());
        Assert.Contains($"Publication '{db.Publication}' (publication.name) does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE PUBLICATION", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filtered_publication_holds_the_included_tables_and_the_slot_is_created_when_missing()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); CREATE SCHEMA s; CREATE TABLE s.a (id int PRIMARY KEY)");
        using var task = new TaskRunner(db.Config("srv", ("publication.autocreate.mode", "filtered"), ("table.include.list", ".*\\.a")));
        task.PollOnce();
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = '{db.Publication}' ORDER BY 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        Assert.Equal(["public.a", "s.a"], tables);
        Assert.NotNull(await db.ConfirmedFlushAsync());
    }
}
