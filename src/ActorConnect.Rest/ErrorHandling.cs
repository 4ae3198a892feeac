using System.Text.Json;
using ActorConnect.Api.Errors;
using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace ActorConnect.Rest;

/// <summary>
/// Turns every failure into Kafka Connect's error body <c>{"error_code": N, "message": "..."}</c>: the runtime's
/// exceptions by type, ASP.NET Core's own rejections (malformed JSON, wrong content type, body too large) with a
/// message that names the fix, and bodiless 4xx/5xx (unknown route, wrong method) through status code pages.
/// </summary>
public static class ErrorHandling
{
    /// <summary>The largest request body accepted; connector configs are a few KiB.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Installs the exception handler and the status code pages; call first in the pipeline.</summary>
    public static void UseRestErrors(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorConnect.Rest.ErrorHandling");
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A 404 for an unknown connector is an answer, not a failure of the handler.
            AllowStatusCode404Response = true,
            // ASP.NET Core would log every refused request as an unhandled exception; 5xx are logged below instead.
            SuppressDiagnosticsCallback = _ => true,
            ExceptionHandler = context => HandleAsync(context, log),
        });
        app.UseStatusCodePages(context => WriteBodilessStatusAsync(context.HttpContext));
    }

    /// <summary>The status code and message for an exception, as Kafka Connect's ConnectExceptionMapper decides them.</summary>
    public static (int Status, string Message) Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            RestException e => (e.StatusCode, e.Message),
            NotFoundException e => (StatusCodes.Status404NotFound, e.Message),
            AlreadyExistsException e => (StatusCodes.Status409Conflict, e.Message),
            ConflictException e => (StatusCodes.Status409Conflict, e.Message),
            ConfigException e => (StatusCodes.Status400BadRequest, e.Message),
            BadRequestException e => (StatusCodes.Status400BadRequest, e.Message),
            ForbiddenException e => (StatusCodes.Status403Forbidden, e.Message),
            KafkaUnavailableException e => (StatusCodes.Status503ServiceUnavailable, e.Message),
            WorkerUnavailableException e => (StatusCodes.Status503ServiceUnavailable, e.Message),
            Kafka.KafkaBrokerUnreachableException e => (StatusCodes.Status503ServiceUnavailable, e.Message),
            BadHttpRequestException e => (e.StatusCode, DescribeBadHttpRequest(e)),
            _ => (StatusCodes.Status500InternalServerError, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>
    /// Writes the error body with its status; the one place error bodies are made. A worker's failure may quote what a
    /// config provider resolved (a connector's exception, an offset partition): the placeholder is written instead.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        message = Secrets(context)?.Redact(message) ?? message;
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorMessage(status, message), RestJson.Options, contentType: "application/json", context.RequestAborted);
    }

    private static Task HandleAsync(HttpContext context, ILogger log)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is null)
        {
            return WriteAsync(context, StatusCodes.Status500InternalServerError, "The request failed for an unknown reason; check the worker's log.");
        }

        var (status, message) = Describe(exception);
        message = Secrets(context)?.Redact(message) ?? message; // for the log line below as for the body
        if (status == StatusCodes.Status500InternalServerError && exception is not RestException)
        {
            log.LogError(Secrets(context)?.Redact(exception) ?? exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        }
        else if (status > StatusCodes.Status500InternalServerError && exception is not RestException)
        {
            // A known outside problem (Kafka unavailable): its message says all; a stack trace would only bury it.
            log.LogWarning("{Method} {Path} answered {Status}: {Message}", context.Request.Method, context.Request.Path, status, message);
        }

        return WriteAsync(context, status, message);
    }

    private static SecretRedactor? Secrets(HttpContext context) => context.RequestServices.GetService<WorkerGateway>()?.Secrets;

    private static string DescribeBadHttpRequest(BadHttpRequestException e)
    {
        switch (e.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return $"The request body is larger than the limit of {MaxRequestBodyBytes / 1024 / 1024} MiB ({MaxRequestBodyBytes} bytes). " +
                    "Connector configs are a few KiB: check that the right file was sent.";
            case StatusCodes.Status415UnsupportedMediaType:
                return "The request body must be JSON: send it with the header 'Content-Type: application/json'. " + e.Message;
        }

        if (e.InnerException is JsonException json)
        {
            var at = string.IsNullOrEmpty(json.Path) ? string.Empty : $" at {json.Path}";
            return json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
                ? $"The request body has a value of the wrong type{at}: objects of string values are expected (for example {{\"name\": \"my-connector\", \"config\": {{\"connector.class\": \"FileStreamSource\"}}}}). Fix the body and send it again."
                : $"The request body is not valid JSON{at}: {json.Message} Fix the body and send it again.";
        }

        if (e.Message.Contains("no body was provided", StringComparison.Ordinal) || e.Message.Contains("was not provided from body", StringComparison.Ordinal))
        {
            return "The request body is missing: this endpoint takes a JSON object. Send one with the header 'Content-Type: application/json'.";
        }

        return $"The request was refused: {e.Message}";
    }

    private static Task WriteBodilessStatusAsync(HttpContext context)
    {
        var request = context.Request;
        var status = context.Response.StatusCode;
        var message = status switch
        {
            StatusCodes.Status404NotFound =>
                $"Unknown endpoint {request.Method} {request.Path}. The REST API follows Kafka Connect's: /connectors, /connectors/{{name}}/status, /connector-plugins, /admin/loggers, ... (see docs/rest-api.md).",
            StatusCodes.Status405MethodNotAllowed =>
                $"Method {request.Method} is not allowed on {request.Path}; use {AllowedMethods(context)}.",
            StatusCodes.Status415UnsupportedMediaType =>
                "The request body must be JSON: send it with the header 'Content-Type: application/json'.",
            StatusCodes.Status413PayloadTooLarge =>
                $"The request body is larger than the limit of {MaxRequestBodyBytes / 1024 / 1024} MiB ({MaxRequestBodyBytes} bytes).",
            StatusCodes.Status400BadRequest => "The request is malformed; check its URL, query and JSON body.",
            _ => $"The request failed with HTTP status {status}; check the worker's log.",
        };
        return WriteAsync(context, status, message);
    }

    private static string AllowedMethods(HttpContext context)
    {
        // Routing's 405 answer lists the methods the path takes in the Allow header.
        var allow = context.Response.Headers.Allow.ToString();
        return string.IsNullOrEmpty(allow) ? "another method" : string.Join(" or ", allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}
