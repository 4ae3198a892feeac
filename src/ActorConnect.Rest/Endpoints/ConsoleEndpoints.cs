using System.Collections.Frozen;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>
/// <c>GET /ui</c>: a small web console (static HTML, CSS and JavaScript embedded in this assembly) that reads and acts
/// only through the public REST API, so it shows nothing an operator's own tools could not.
/// </summary>
public static class ConsoleEndpoints
{
    // Resource names are set by LogicalName in the project file: "console/<file>".
    private const string ResourcePrefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var files = LoadFiles();
        // Routing ignores a trailing slash, so this answers /ui/ too.
        routes.MapGet("/ui", () => Serve(files, "index.html"));
        routes.MapGet("/ui/{file}", (string file) => Serve(files, file));
        return routes;
    }

    private static IResult Serve(FrozenDictionary<string, byte[]> files, string file)
    {
        if (!files.TryGetValue(file, out var bytes))
        {
            throw RestException.NotFound($"The console has no file {file}; open /ui");
        }

        return new ConsoleFileResult(bytes, ContentTypes[Path.GetExtension(file)]);
    }

    private static FrozenDictionary<string, byte[]> LoadFiles()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A console file with headers that keep the page on its own scripts and always fresh after an upgrade.</summary>
    private sealed class ConsoleFileResult(byte[] bytes, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            // Everything is same-origin and no script is inline, so nothing injected into a connector name or trace can run.
            headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
            return Results.Bytes(bytes, contentType).ExecuteAsync(httpContext);
        }
    }
}
