using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// One kind of standalone state file (the offsets file, the connector config file) and how it is read at start. A
/// file that cannot be used is bad configuration, as a bad worker key is: a <see cref="ConfigException"/> naming the
/// file, its key, what is wrong (with the JSON parser's line and byte where it has them) and the fix. The worker
/// refuses to start rather than guess: a file it cannot read holds offsets or connectors it would otherwise forget,
/// and its next write would replace the file for good.
/// </summary>
/// <param name="What">The file's name in messages ("offsets file").</param>
/// <param name="Key">The worker key that names the file.</param>
/// <param name="WithoutIt">What starting without the file means, for the "move it away" fix.</param>
internal sealed record StateFile(string What, string Key, string WithoutIt)
{
    public static readonly StateFile Offsets = new("offsets file", WorkerConfig.OffsetStorageFileFilename,
        "with no stored offsets (every source connector then reads its source again from the start)");

    public static readonly StateFile Connectors = new("connector config file", WorkerConfig.ConfigStorageFileFilename,
        "with no stored connectors (those created over REST are then forgotten; those given as files on the command line are created again)");

    // A name given twice is refused with its position rather than failing later, when the object is first read.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates the file's directory, so the first write cannot fail for want of it.</summary>
    public void EnsureDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The directory of the {What} {path} ({Key}) cannot be created: {e.Message}. Create it, or point {Key} at a file in a directory the worker may write.");
        }
    }

    /// <summary>
    /// The file's JSON, or null when there is no file yet. An empty file (0 bytes, or only blanks) is corrupt: every
    /// write replaces the file atomically with complete JSON, so no crash of this worker leaves it empty, and reading
    /// it as "nothing stored" would silently forget what it held.
    /// </summary>
    public JsonNode? Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigException($"The {What} {path} ({Key}) is a directory. Point {Key} at a file (it is created at the first write), or move the directory away.");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The {What} {path} ({Key}) cannot be read: {e.Message}. Give the worker's user read and write access to it, or point {Key} at another file.");
        }

        var utf8 = bytes.AsSpan();
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupt(path, $"it is not UTF-8 text (invalid byte at position {e.Index}); it may be a Kafka Connect (Java-serialised) file");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw Corrupt(path, $"it is empty ({bytes.Length} bytes), which this worker never writes (each write replaces the file with complete JSON), so something else emptied it");
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: StrictJson) ?? throw Corrupt(path, "it holds JSON null");
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"it is not valid JSON{Where(e)}: {ParserMessage(e)}; it was cut short, edited by hand or written by something else");
        }
    }

    /// <summary>The error for a file this worker cannot use, with the fix.</summary>
    public ConfigException Corrupt(string path, string problem) =>
        new($"The {What} {path} ({Key}) is corrupt: {problem}. Restore it from a backup, or move it away to start {WithoutIt}.");

    /// <summary>The JSON kind of a node, for messages that say what was found instead.</summary>
    public static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "a value",
        },
        _ => "a value",
    };

    /// <summary>The string a node holds, or null when it is not a string.</summary>
    public static string? StringOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A name as a JSON string: quoted, its control characters escaped, so a message stays one line.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Where(JsonException e) =>
        e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;

    // The parser appends its own 0-based position ("LineNumber: 0 | BytePositionInLine: 8."), said above 1-based.
    private static string ParserMessage(JsonException e)
    {
        var message = e.Message;
        foreach (var tail in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(tail, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }

        return message.TrimEnd('.', ' ');
    }
}
