using System.Diagnostics;
using ActorConnect.TestSupport;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>
/// The PostgreSQL the tests use: <c>POSTGRES_CONNECTION_STRING</c> when set, else the project's private cluster
/// started through <c>scripts/postgres-local.sh start</c> (once per test run; left running, as CI stops it). Every
/// test gets a database of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        AdminConnectionString = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING") is { Length: > 0 } env ? env : await StartLocalAsync();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Creates an empty database and returns the connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..12]}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartLocalAsync()
    {
        var script = Path.Combine(RepoPaths.RepoRoot, "scripts", "postgres-local.sh");
        var psi = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/postgres-local.sh start failed ({process.ExitCode}): {await stderr}");
        }

        return (await stdout).Trim().Split('\n').Last().Trim();
    }
}

/// <summary>Kafka and PostgreSQL, shared by every test of the assembly.</summary>
[CollectionDefinition("jdbc")]
public sealed class JdbcCollection : ICollectionFixture<KafkaFixture>, ICollectionFixture<PostgresFixture>;
