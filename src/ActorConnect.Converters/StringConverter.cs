using System.Globalization;
using System.Text;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;

namespace ActorConnect.Converters;

/// <summary>
/// Kafka Connect's <c>org.apache.kafka.connect.storage.StringConverter</c>: values are written as their string form in
/// <c>converter.encoding</c> (UTF-8 by default) and read back as strings with <see cref="Schema.OptionalStringSchema"/>.
/// </summary>
public sealed class StringConverter : IConverter
{
    /// <summary>The encoding setting (Kafka's <c>converter.encoding</c>); <c>encoding</c> is accepted as an alias.</summary>
    public const string EncodingConfig = "converter.encoding";

    /// <summary>The default encoding, as Kafka names it.</summary>
    public const string EncodingDefault = "UTF-8";

    private static readonly SchemaAndValue NullValue = new(Schema.OptionalStringSchema, null);
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);

    private Encoding _encoding = Utf8;

    /// <summary>Java's "UTF-16": big-endian with a byte-order mark when encoding, the byte-order mark honoured when decoding.</summary>
    private bool _javaUtf16;

    /// <summary>The settings this converter understands.</summary>
    public static ConfigDef ConfigDef { get; } = new ConfigDef()
        .Define(EncodingConfig, ConfigType.String, EncodingDefault, Importance.High,
            "The name of the character set to use for encoding strings to and decoding them from bytes (Java or .NET names: UTF8, UTF-8, UTF-16, ISO-8859-1, US-ASCII, ...).",
            ConfigValidators.Lambda(v => v is string s && TryGetEncoding(s) is null ? "Unsupported character set; use for example UTF-8, UTF-16, UTF-16BE, UTF-16LE, UTF-32, ISO-8859-1 or US-ASCII" : null, "a character set name"));

    /// <summary>Whether this instance converts keys.</summary>
    public bool IsKey { get; private set; }

    /// <summary>The encoding in use.</summary>
    public Encoding Encoding => _encoding;

    /// <inheritdoc />
    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        var parsed = ConverterSettings.Parse(ConfigDef, configs, ("encoding", EncodingConfig));
        var name = parsed.GetString(EncodingConfig)!;
        _encoding = TryGetEncoding(name)!;
        _javaUtf16 = Normalize(name) == "UTF16";
        IsKey = isKey;
    }

    /// <inheritdoc />
    public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        if (text is null)
        {
            return null;
        }

        if (!_javaUtf16)
        {
            return _encoding.GetBytes(text);
        }

        var bytes = new byte[2 + Utf16BigEndian.GetByteCount(text)];
        bytes[0] = 0xFE;
        bytes[1] = 0xFF;
        Utf16BigEndian.GetBytes(text, bytes.AsSpan(2));
        return bytes;
    }

    /// <inheritdoc />
    public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value)
    {
        if (value is null)
        {
            return NullValue;
        }

        if (_javaUtf16 && value.Length >= 2)
        {
            if (value[0] == 0xFE && value[1] == 0xFF)
            {
                return new SchemaAndValue(Schema.OptionalStringSchema, Utf16BigEndian.GetString(value.AsSpan(2)));
            }

            if (value[0] == 0xFF && value[1] == 0xFE)
            {
                return new SchemaAndValue(Schema.OptionalStringSchema, Utf16LittleEndian.GetString(value.AsSpan(2)));
            }
        }

        return new SchemaAndValue(Schema.OptionalStringSchema, _encoding.GetString(value));
    }

    private static string Normalize(string name) =>
        name.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>Resolves a Java or .NET character set name; null when unknown.</summary>
    internal static Encoding? TryGetEncoding(string name)
    {
        switch (Normalize(name))
        {
            case "UTF8":
                return Utf8;
            case "UTF16":
            case "UTF16BE":
            case "UNICODEBIGUNMARKED":
                return Utf16BigEndian;
            case "UTF16LE":
            case "UNICODELITTLEUNMARKED":
                return Utf16LittleEndian;
            case "UTF32":
            case "UTF32BE":
                return new UTF32Encoding(bigEndian: true, byteOrderMark: false);
            case "UTF32LE":
                return new UTF32Encoding(bigEndian: false, byteOrderMark: false);
            case "ASCII":
            case "USASCII":
                return Encoding.ASCII;
            case "ISO88591":
            case "ISO885911987":
            case "LATIN1":
                return Encoding.Latin1;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim());
        }
        catch (ArgumentException)
        {
            try
            {
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
                return Encoding.GetEncoding(name.Trim());
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }
}
