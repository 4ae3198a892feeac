using System.Globalization;
using System.Text;
using ActorConnect.Api.Errors;

namespace ActorConnect.Security;

/// <summary>One login module of a JAAS configuration: its class, control flag and options.</summary>
public sealed record JaasLoginModule(string ClassName, string Flag, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>The class name without its package (<c>PlainLoginModule</c>).</summary>
    public string ShortName => ClassName[(ClassName.LastIndexOf('.') + 1)..];
}

/// <summary>
/// Java's JAAS configuration syntax, as Kafka reads <c>sasl.jaas.config</c> (exactly one module) and as the JVM reads a
/// <c>java.security.auth.login.config</c> file (named sections of modules).
/// </summary>
/// <remarks>
/// Tokens follow <c>java.io.StreamTokenizer</c> as Kafka's <c>JaasConfig</c> sets it up, so a value Java accepts is
/// read the same here: unquoted words of letters, digits, <c>. - _ $</c> (starting with a letter or <c>- _ $</c>);
/// double-quoted strings with Java's escapes (<c>\" \\ \n \t \r \b \f</c>, octal <c>\ooo</c>; any other escaped
/// character stands for itself); <c>//</c> and <c>/* */</c> comments. Errors never quote option values: they may be
/// passwords.
/// </remarks>
public static class Jaas
{
    private static readonly string[] Flags = ["required", "requisite", "sufficient", "optional"];

    /// <summary>Parses a <c>sasl.jaas.config</c> value: exactly one login module, ended by <c>;</c>.</summary>
    /// <param name="text">The value.</param>
    /// <param name="key">The key the value came from, named in errors (for example <c>producer.sasl.jaas.config</c>).</param>
    public static JaasLoginModule ParseEntry(string text, string key)
    {
        var tokens = new Tokenizer(text, key);
        var modules = new List<JaasLoginModule>();
        while (tokens.Peek().Kind != TokenKind.End)
        {
            modules.Add(ParseModule(tokens, key));
        }

        return modules.Count == 1
            ? modules[0]
            : throw new ConfigException($"{key} holds {modules.Count} login modules; it takes exactly one, for example " +
                                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"...\";");
    }

    /// <summary>Parses a JAAS file: <c>Name { Module flag key=value ...; ... };</c> sections, by name.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">What the text is (the file's path), named in errors.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<JaasLoginModule>> ParseFile(string text, string source)
    {
        var tokens = new Tokenizer(text, source);
        var sections = new Dictionary<string, IReadOnlyList<JaasLoginModule>>(StringComparer.Ordinal);
        while (tokens.Peek().Kind != TokenKind.End)
        {
            var name = tokens.Next();
            if (name.Kind != TokenKind.Word)
            {
                throw tokens.Error("expected a section name, such as KafkaConnect");
            }

            tokens.Expect('{', $"expected {{ after the section name {name.Text}");
            var modules = new List<JaasLoginModule>();
            while (!tokens.TryTake('}'))
            {
                modules.Add(ParseModule(tokens, source));
            }

            tokens.Expect(';', $"expected ; after the closing }} of section {name.Text}");
            sections[name.Text] = modules;
        }

        return sections;
    }

    private static JaasLoginModule ParseModule(Tokenizer tokens, string key)
    {
        var module = tokens.Next();
        if (module.Kind != TokenKind.Word)
        {
            throw tokens.Error("expected a login module class name, such as org.apache.kafka.common.security.plain.PlainLoginModule");
        }

        var flag = tokens.Next();
        if (flag.Kind != TokenKind.Word || !Flags.Contains(flag.Text, StringComparer.OrdinalIgnoreCase))
        {
            throw tokens.Error($"the login module {module.Text} needs a control flag after it: required, requisite, sufficient or optional");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var token = tokens.Next();
            if (token.Kind == TokenKind.Symbol && token.Text == ";")
            {
                return new JaasLoginModule(module.Text, flag.Text.ToLowerInvariant(), options);
            }

            if (token.Kind != TokenKind.Word)
            {
                throw tokens.Error(token.Kind == TokenKind.End
                    ? $"the login module {module.Text} is not ended by ; (JAAS config entry not terminated by semi-colon)"
                    : "expected an option name or the ; that ends the login module");
            }

            if (!tokens.TryTake('='))
            {
                throw tokens.Error($"value not specified for key '{token.Text}': write {token.Text}=\"value\"");
            }

            var value = tokens.Next();
            if (value.Kind is not (TokenKind.Word or TokenKind.Quoted))
            {
                throw tokens.Error($"value not specified for key '{token.Text}': write {token.Text}=\"value\" (quote values that start with a digit or hold other characters)");
            }

            options[token.Text] = value.Text;
        }
    }

    private enum TokenKind
    {
        Word,
        Quoted,
        Symbol,
        Other,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text);

    private sealed class Tokenizer(string text, string source)
    {
        private int _pos;
        private int _line = 1;
        private Token? _peeked;

        public Token Peek() => _peeked ??= Read();

        public Token Next()
        {
            var token = Peek();
            _peeked = null;
            return token;
        }

        public bool TryTake(char symbol)
        {
            if (Peek() is { Kind: TokenKind.Symbol } t && t.Text[0] == symbol)
            {
                _peeked = null;
                return true;
            }

            return false;
        }

        public void Expect(char symbol, string message)
        {
            if (!TryTake(symbol))
            {
                throw Error(message);
            }
        }

        public ConfigException Error(string message) =>
            new($"{source}: {message} (JAAS syntax, line {_line.ToString(CultureInfo.InvariantCulture)})");

        private static bool IsWordStart(char c) => char.IsLetter(c) || c is '-' or '_' or '$' || c >= 128;

        private static bool IsWordPart(char c) => IsWordStart(c) || char.IsDigit(c) || c == '.';

        private Token Read()
        {
            SkipBlankAndComments();
            if (_pos >= text.Length)
            {
                return new Token(TokenKind.End, string.Empty);
            }

            var c = text[_pos];
            if (IsWordStart(c))
            {
                var start = _pos;
                while (_pos < text.Length && IsWordPart(text[_pos]))
                {
                    _pos++;
                }

                return new Token(TokenKind.Word, text[start.._pos]);
            }

            if (c == '"')
            {
                return new Token(TokenKind.Quoted, ReadQuoted());
            }

            _pos++;
            return c is ';' or '=' or '{' or '}' ? new Token(TokenKind.Symbol, c.ToString()) : new Token(TokenKind.Other, c.ToString());
        }

        private void SkipBlankAndComments()
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '\n')
                {
                    _line++;
                    _pos++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _pos++;
                }
                else if (c == '/' && _pos + 1 < text.Length && text[_pos + 1] == '/')
                {
                    while (_pos < text.Length && text[_pos] != '\n')
                    {
                        _pos++;
                    }
                }
                else if (c == '/' && _pos + 1 < text.Length && text[_pos + 1] == '*')
                {
                    var end = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw Error("a /* comment is not closed by */");
                    }

                    _line += text.AsSpan(_pos, end - _pos).Count('\n');
                    _pos = end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        /// <summary>A quoted string with StreamTokenizer's escapes; a line break or the end inside it is an error, as in Java.</summary>
        private string ReadQuoted()
        {
            var value = new StringBuilder();
            _pos++;
            while (true)
            {
                if (_pos >= text.Length || text[_pos] is '\n' or '\r')
                {
                    throw Error("a quoted value is not closed by \" on the same line");
                }

                var c = text[_pos++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c != '\\' || _pos >= text.Length)
                {
                    value.Append(c);
                    continue;
                }

                var e = text[_pos++];
                if (e is >= '0' and <= '7')
                {
                    // Up to three octal digits (the first at most 3 for three), as StreamTokenizer reads them.
                    var code = e - '0';
                    var max = e <= '3' ? 2 : 1;
                    for (var i = 0; i < max && _pos < text.Length && text[_pos] is >= '0' and <= '7'; i++)
                    {
                        code = code * 8 + (text[_pos++] - '0');
                    }

                    value.Append((char)code);
                    continue;
                }

                value.Append(e switch
                {
                    'a' => '\a',
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\v',
                    _ => e,
                });
            }
        }
    }
}
