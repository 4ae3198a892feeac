using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.TestKit;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>A read that fails half-way through a batch loses none of the rows it never returned.</summary>
[Collection("jdbc")]
public sealed class SourceReadFailureTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Rows = 20_000;

    [Fact]
    public async Task A_connection_lost_in_the_middle_of_a_batch_is_read_again_from_the_last_row_returned()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("midread"));
        // Rows wide enough that the result set outgrows the socket buffers: after the server drops the connection the
        // client still reads what was already sent, then fails inside a batch.
        await db.ExecAsync("CREATE TABLE wide (id BIGSERIAL PRIMARY KEY, pad TEXT NOT NULL)");
        await db.ExecAsync($"INSERT INTO wide (pad) SELECT repeat('x', 400) FROM generate_series(1, {Rows})");
        var props = new Dictionary<string, string>
        {
            ["connection.url"] = db.JdbcUrl, ["mode"] = "incrementing", ["incrementing.column.name"] = "id",
            ["query"] = "SELECT * FROM wide", ["topic.prefix"] = "midread", ["batch.max.rows"] = "100",
            ["poll.interval.ms"] = "100",
        };
        var task = new JdbcSourceTask();
        task.Initialize(new InMemorySourceTaskContext(props));
        task.Start(props);
        var ids = new List<long>();
        var retried = 0;
        try
        {
            await Eventually.AssertAsync(() => Poll(task, ids) && ids.Count > 0, TimeSpan.FromMinutes(1), "the first batch", TimeSpan.Zero);
            var terminated = await db.ScalarAsync<long>(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                "WHERE datname = current_database() AND application_name = 'actorconnect-jdbc' AND pid <> pg_backend_pid()");
            Assert.Equal(1, terminated);

            await Eventually.AssertAsync(() =>
            {
                if (!Poll(task, ids))
                    retried++;
                return ids.Distinct().Count() == Rows;
            }, TimeSpan.FromMinutes(2), "every row read", TimeSpan.Zero);
        }
        finally
        {
            task.Stop();
        }

        output.WriteLine($"{ids.Count} rows read for {Rows}, {ids.Count - ids.Distinct().Count()} twice, {retried} polls failed");
        Assert.True(retried > 0, "the terminated connection was noticed");
        Assert.Equal(Enumerable.Range(1, Rows).Select(i => (long)i), ids.Distinct().Order());
    }

    /// <summary>One poll; false when it failed with the retriable error the runtime would poll again after.</summary>
    private static bool Poll(JdbcSourceTask task, List<long> ids)
    {
        try
        {
            foreach (var record in task.Poll() ?? [])
                ids.Add(Convert.ToInt64(((Api.Data.Struct)record.Value!).Get("id")));
            return true;
        }
        catch (RetriableException)
        {
            return false;
        }
    }
}
