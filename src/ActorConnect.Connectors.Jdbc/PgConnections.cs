using System.Net.Sockets;
using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Turns the connectors' <c>connection.*</c> keys into an Npgsql connection string and opens connections, translating
/// PostgreSQL's failures into the runtime's taxonomy: an unreachable database is a <see cref="RetriableException"/>
/// (the task waits and retries, the status says why), wrong credentials or a missing database are a
/// <see cref="ConnectException"/> naming the key to fix.
/// </summary>
internal static class PgConnections
{
    private const string JdbcPrefix = "jdbc:postgresql:";

    /// <summary>
    /// Builds the connection string from <c>connection.url</c> (a JDBC URL <c>jdbc:postgresql://host:port/db?user=..&amp;password=..</c>
    /// or an Npgsql connection string), with <c>connection.user</c>/<c>connection.password</c> taking precedence, and
    /// the session time zone set to <paramref name="timeZone"/> so timestamps without time zone are read and written in it.
    /// </summary>
    public static string ConnectionString(string url, string? user, string? password, string timeZone, int commandTimeoutSeconds)
    {
        var builder = url.StartsWith(JdbcPrefix, StringComparison.OrdinalIgnoreCase) ? FromJdbcUrl(url) : FromNpgsql(url);
        if (!string.IsNullOrEmpty(user))
        {
            builder.Username = user;
        }

        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }

        builder.Timezone = timeZone;
        builder.Timeout = Math.Min(builder.Timeout, 10);
        builder.CommandTimeout = commandTimeoutSeconds;
        // A failed host goes into Npgsql's pool; the tasks manage their own single connection instead.
        builder.Pooling = false;
        builder.ApplicationName ??= "actorconnect-jdbc";
        // The server's detail names the failing row ("Failing row contains ..."), as the JDBC driver reports it;
        // Npgsql hides it unless asked.
        builder.IncludeErrorDetail = true;
        return builder.ConnectionString;
    }

    /// <summary>Where the connection string points, for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL at {b.Host}:{b.Port}/{b.Database} as user {b.Username}";
    }

    /// <summary>Opens a connection, or throws the exception that says what to do about it.</summary>
    public static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e)
        {
            connection.Dispose();
            throw Translate(e, connectionString, "connecting");
        }
    }

    /// <summary>Disposes a connection that may already be broken; it is gone either way.</summary>
    public static void CloseQuietly(NpgsqlConnection? connection)
    {
        try
        {
            connection?.Dispose();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or SocketException)
        {
            // Closing a broken connection may fail.
        }
    }

    /// <summary>True when a failure is the database being unreachable or going away, as opposed to a problem with the request.</summary>
    public static bool IsConnectionProblem(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300",
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException n => n.IsTransient,
        SocketException or IOException or TimeoutException => true,
        InvalidOperationException when e.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) => true,
        _ => false,
    };

    /// <summary>
    /// Maps a failure to a retriable exception (database unreachable), a fatal one naming the key to fix (credentials,
    /// database name), or a plain <see cref="ConnectException"/> carrying PostgreSQL's message.
    /// </summary>
    public static ConnectException Translate(Exception e, string connectionString, string doing)
    {
        var where = Describe(connectionString);
        return e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } pg => new ConnectException(
                $"{where} refused the login while {doing} ({pg.SqlState}: {pg.MessageText}). Fix connection.user / connection.password " +
                "(or the user and password in connection.url).", e),
            PostgresException { SqlState: "3D000" } pg => new ConnectException(
                $"{where}: {pg.MessageText}. Fix the database name in connection.url.", e),
            _ when IsConnectionProblem(e) => new RetriableException(
                $"{where} is unreachable while {doing} ({Root(e).Message}); retrying. Check that the database is running and that connection.url points at it.", e),
            PostgresException pg => new ConnectException($"{where} failed while {doing}: {pg.SqlState}: {pg.MessageText}{(pg.Detail is { Length: > 0 } detail ? $" ({detail})" : string.Empty)}", e),
            ConnectException ce => ce,
            _ => new ConnectException($"{where} failed while {doing}: {e.Message}", e),
        };
    }

    private static Exception Root(Exception e)
    {
        while (e.InnerException is { } inner && e is not PostgresException)
        {
            e = inner;
        }

        return e;
    }

    private static NpgsqlConnectionStringBuilder FromNpgsql(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException("connection.url", value.Contains("assword", StringComparison.OrdinalIgnoreCase) ? "[hidden]" : value,
                $"Not a jdbc:postgresql:// URL nor an Npgsql connection string ({e.Message})");
        }
    }

    /// <summary>
    /// <c>jdbc:postgresql://host1[:port1][,host2[:port2]]/database?user=u&amp;password=p&amp;ssl=true</c>; the JDBC driver's
    /// defaults (localhost, 5432, database = user name) apply to the parts left out.
    /// </summary>
    private static NpgsqlConnectionStringBuilder FromJdbcUrl(string url)
    {
        var rest = url[JdbcPrefix.Length..];
        var builder = new NpgsqlConnectionStringBuilder();
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            var slash = rest.IndexOf('/');
            var hosts = slash >= 0 ? rest[..slash] : rest;
            rest = slash >= 0 ? rest[(slash + 1)..] : string.Empty;
            builder.Port = 5432;
            var colon = hosts.LastIndexOf(':');
            if (!hosts.Contains(',') && colon > 0 && !hosts.EndsWith(']'))
            {
                builder.Port = int.Parse(hosts[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                hosts = hosts[..colon];
            }

            // Several hosts keep their own ports ("h1:5432,h2:5433"), which Npgsql reads the same way.
            builder.Host = hosts.Length == 0 ? "localhost" : hosts.Trim('[', ']');
        }
        else
        {
            builder.Host = "localhost";
        }

        if (rest.Length > 0)
        {
            builder.Database = Uri.UnescapeDataString(rest);
        }

        foreach (var pair in (query ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..]) : "true";
            switch (key.ToLowerInvariant())
            {
                case "user":
                    builder.Username = value;
                    break;
                case "password":
                    builder.Password = value;
                    break;
                case "ssl":
                    builder.SslMode = value.Equals("true", StringComparison.OrdinalIgnoreCase) ? SslMode.Require : SslMode.Disable;
                    break;
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new ConfigException("connection.url", "[hidden]", $"Unknown sslmode '{value}'"),
                    };
                    break;
                case "connecttimeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "applicationname":
                    builder.ApplicationName = value;
                    break;
                case "currentschema":
                    builder.SearchPath = value;
                    break;
                default:
                    // Other pgjdbc options (prepareThreshold, tcpKeepAlive, ...) have no Npgsql meaning worth mapping.
                    break;
            }
        }

        builder.Database ??= builder.Username;
        return builder;
    }
}
