using System.Text;
using ActorConnect.Rest.Hosting;
using Microsoft.Net.Http.Headers;

namespace ActorConnect.Rest;

/// <summary>
/// HTTP basic authentication, first in the pipeline: a request without valid credentials is answered 401 with
/// <c>WWW-Authenticate: Basic</c> and Kafka Connect's error body before anything else reads it (no route, no body, no
/// worker). Every path is guarded, <c>/metrics</c> and the web console included, except <c>GET /health</c>, which
/// load balancers and container probes ask without credentials: anonymous callers get its status and a fixed message,
/// never the reason (which may name hosts).
/// </summary>
public static class BasicAuthentication
{
    /// <summary>The realm browsers show when asking for the user name and password.</summary>
    public const string Realm = "ActorConnect";

    private static readonly object AnonymousKey = new();

    /// <summary>True when this request reached <c>/health</c> without credentials; its answer must then say only up or down.</summary>
    public static bool IsAnonymous(HttpContext context) => context?.Items.ContainsKey(AnonymousKey) ?? false;

    /// <summary>Installs the check; call before any other middleware.</summary>
    public static void UseBasicAuthentication(this WebApplication app, BasicAuthCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(credentials);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorConnect.Rest.BasicAuthentication");
        app.Use((context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.Length == 0 && IsHealth(context.Request))
            {
                context.Items[AnonymousKey] = true;
                return next(context);
            }

            var (user, password) = Parse(header);
            if (user is not null && credentials.Check(user, password!))
            {
                return next(context);
            }

            // Debug, as Kafka Connect: a mistyped password is not worth a line at the default level.
            log.LogDebug("{Method} {Path} refused: {Reason}", context.Request.Method, context.Request.Path,
                header.Length == 0 ? "no credentials" : user is null ? "malformed Authorization header" : $"wrong password or unknown user '{user}'");
            context.Response.Headers[HeaderNames.WWWAuthenticate] = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
            return ErrorHandling.WriteAsync(context, StatusCodes.Status401Unauthorized, header.Length == 0
                ? "Authentication required: this REST API takes HTTP basic credentials (curl -u user:password) of a user in the worker's credentials file."
                : "The user name or password is wrong (HTTP basic credentials of a user in the worker's credentials file are required).");
        });
    }

    private static bool IsHealth(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.Value?.TrimEnd('/').Equals("/health", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>User and password of a <c>Basic</c> Authorization header; (null, null) when it is anything else or malformed.</summary>
    private static (string? User, string? Password) Parse(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return (null, null);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? (null, null) : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
