using System.Collections.Immutable;
using System.Text;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// One challenge from a <c>WWW-Authenticate</c> header (RFC 9110 §11.6.1): a scheme and its
/// parameters, e.g. <c>Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"</c>.
/// Parameter names are case-insensitive; quoted values may hold commas, '=' and backslash escapes.
/// </summary>
public sealed record AuthChallenge(string Scheme, ImmutableDictionary<string, string> Parameters)
{
    public string? this[string parameter] => Parameters.GetValueOrDefault(parameter);

    public bool IsScheme(string scheme) => string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every challenge in the header values, in order. Malformed parts are skipped, never thrown on.</summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
    {
        var challenges = new List<AuthChallenge>();
        foreach (var value in headerValues)
        {
            new Reader(value).ReadChallenges(challenges);
        }
        return challenges;
    }

    private ref struct Reader(string text)
    {
        private readonly string _text = text;
        private int _position;

        public void ReadChallenges(List<AuthChallenge> into)
        {
            while (true)
            {
                SkipSeparators();
                var scheme = ReadToken();
                if (scheme.Length == 0)
                {
                    if (_position >= _text.Length)
                    {
                        return;
                    }
                    _position++; // not a token character: skip it and resynchronise
                    continue;
                }
                into.Add(new AuthChallenge(scheme, ReadParameters()));
            }
        }

        private ImmutableDictionary<string, string> ReadParameters()
        {
            var parameters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
            SkipWhitespace();
            var token68Start = _position;
            var token68 = ReadToken68();
            if (token68.Length > 0 && AtEndOfItem())
            {
                return parameters.ToImmutable(); // e.g. "Negotiate abc=="; we have no use for it
            }
            _position = token68Start;

            while (true)
            {
                SkipSeparators();
                var start = _position;
                var name = ReadToken();
                SkipWhitespace();
                if (name.Length == 0 || Peek() != '=')
                {
                    _position = start; // a bare token starts the next challenge
                    return parameters.ToImmutable();
                }
                _position++; // '='
                SkipWhitespace();
                var value = Peek() == '"' ? ReadQuoted() : ReadToken();
                parameters[name] = value;
            }
        }

        private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private readonly bool AtEndOfItem()
        {
            var p = _position;
            while (p < _text.Length && _text[p] is ' ' or '\t')
            {
                p++;
            }
            return p >= _text.Length || _text[p] == ',';
        }

        private void SkipWhitespace()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t')
            {
                _position++;
            }
        }

        private void SkipSeparators()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t' or ',')
            {
                _position++;
            }
        }

        private string ReadToken()
        {
            var start = _position;
            while (_position < _text.Length && IsTokenChar(_text[_position]))
            {
                _position++;
            }
            return _text[start.._position];
        }

        private string ReadToken68()
        {
            var start = _position;
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                _position++;
            }
            if (_position == start)
            {
                return "";
            }
            while (_position < _text.Length && _text[_position] == '=')
            {
                _position++;
            }
            return _text[start.._position];
        }

        private string ReadQuoted()
        {
            _position++; // opening quote
            var value = new StringBuilder();
            while (_position < _text.Length)
            {
                var c = _text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }
                if (c == '\\' && _position < _text.Length)
                {
                    c = _text[_position++];
                }
                value.Append(c);
            }
            return value.ToString(); // unterminated: keep what there is
        }

        // RFC 9110 tchar
        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
    }
}
