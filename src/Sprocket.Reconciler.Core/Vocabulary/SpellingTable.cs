namespace Sprocket.Reconciler.Core.Vocabulary;

/// <summary>
/// The one list of words for an enum at the agent's edges (JSON API, metric labels, SQLite rows, logs, status page):
/// enum values inside, these spellings outside. Built in contract order, so anything that enumerates the words
/// (zero-filled metric series, error messages) lists them the way the contract does.
/// </summary>
public sealed class SpellingTable<T> where T : struct, Enum
{
    private readonly Dictionary<T, string> _byValue = [];
    private readonly Dictionary<string, T> _byText = new(StringComparer.Ordinal);
    private readonly List<T> _values = [];
    private readonly List<string> _texts = [];

    public SpellingTable(params (T Value, string Text)[] pairs)
    {
        foreach (var (value, text) in pairs)
        {
            // A duplicate would make one word mean two things: fail at type initialisation, not in production.
            _byValue.Add(value, text);
            _byText.Add(text, value);
            _values.Add(value);
            _texts.Add(text);
        }
    }

    /// <summary>Every spelled value, in contract order.</summary>
    public IReadOnlyList<T> Values => _values;

    /// <summary>Every spelling, in contract order.</summary>
    public IReadOnlyList<string> Texts => _texts;

    public string Spell(T value) =>
        _byValue.TryGetValue(value, out var text) ? text : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name}.{value} has no spelling.");

    public bool TryParse(string? text, out T value)
    {
        if (text is not null && _byText.TryGetValue(text, out value)) return true;
        value = default;
        return false;
    }

    public T Parse(string text) =>
        TryParse(text, out var value) ? value
        : throw new FormatException($"'{text}' is not a {typeof(T).Name}; expected one of: {string.Join(", ", Texts)}.");
}
