namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Reads the fields of one YAML mapping against a fixed key list, reporting unknown keys, missing
/// required fields and wrong types with the field path. Readers always return a value (a fallback
/// after an error) so validation continues and every error of the file is collected.
/// </summary>
internal sealed class MappingReader
{
    private readonly YamlMappingNode _mapping;
    private readonly ErrorCollector _errors;

    private MappingReader(YamlMappingNode mapping, string path, ErrorCollector errors)
    {
        _mapping = mapping;
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    public SourcePosition Position => _mapping.Position;

    public ErrorCollector Errors => _errors;

    /// <summary>Null (after reporting, unless already reported) when <paramref name="node"/> is not a mapping.</summary>
    public static MappingReader? Open(YamlNode node, string path, ErrorCollector errors, IReadOnlyList<string> allowedKeys, string what)
    {
        if (node is not YamlMappingNode mapping)
        {
            if (node is not YamlAliasNode)
            {
                errors.Add(node, FieldPath.Show(path),
                    $"expected {what} (a mapping with keys {string.Join(", ", allowedKeys)}), got {Describe(node)}");
            }

            return null;
        }

        var reader = new MappingReader(mapping, path, errors);
        reader.ReportUnknownKeys(allowedKeys, what);
        return reader;
    }

    public string PathOf(string key) => FieldPath.Member(Path, key);

    /// <summary>The value node, or null when the key is absent or explicitly null (both mean "not given").</summary>
    public YamlNode? Find(string key)
    {
        foreach (var entry in _mapping.Entries)
        {
            if (entry.Key.Value == key)
            {
                return entry.Value is YamlScalarNode { Kind: ScalarKind.Null } ? null : entry.Value;
            }
        }

        return null;
    }

    public void Error(string key, string message) => _errors.Add(Find(key)?.Position ?? Position, PathOf(key), message);

    public void Missing(string key, string what) =>
        _errors.Add(Position, PathOf(key), $"{DisplayText.Quote(key)} is required: {what}");

    /// <summary>
    /// The text of a string field, or null (after reporting) when it is absent, empty, longer than
    /// <paramref name="maxLength"/> or holds a character that does not show as itself. No field of the
    /// format needs a control character, and one in a value (a NUL, a trailing line feed) is how a
    /// value would pass a check yet mean something else to git, Docker or a terminal.
    /// </summary>
    public string? OptionalString(string key, int maxLength = DesiredStateLimits.MaxTextLength)
    {
        var node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Text or ScalarKind.Integer } scalar)
        {
            var text = scalar.Value;
            if (text.Length == 0)
            {
                Error(key, "must not be empty");
                return null;
            }

            if (text.Length > maxLength)
            {
                Error(key, $"{DisplayText.Quote(text)} is longer than {maxLength:N0} characters");
                return null;
            }

            var notAscii = text.AsSpan().IndexOfAnyExcept(VisibleCharacters);
            if (notAscii >= 0 && FirstInvisible(text, notAscii) is { } at)
            {
                Error(key, $"{DisplayText.Quote(text)} contains {DisplayText.Name(text[at])} at position {at + 1}; no field allows control or invisible characters");
                return null;
            }

            return text;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Boolean } boolean)
        {
            Error(key, $"expected a string, got {Describe(boolean)} (quote it if it is meant as text)");
        }
        else if (node is not YamlAliasNode)
        {
            Error(key, $"expected a string, got {Describe(node)}");
        }

        return null;
    }

    /// <summary>Reports a missing value; returns "" after any error so callers can keep going.</summary>
    public string RequiredString(string key, string what, int maxLength = DesiredStateLimits.MaxTextLength)
    {
        if (Find(key) is null)
        {
            Missing(key, what);
            return "";
        }

        return OptionalString(key, maxLength) ?? "";
    }

    public bool? OptionalBoolean(string key)
    {
        var node = Find(key);
        if (node is null or YamlAliasNode)
        {
            return null;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Boolean } scalar)
        {
            return scalar.Value.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        Error(key, $"expected true or false, got {Describe(node)}");
        return null;
    }

    public int? OptionalInteger(string key)
    {
        var node = Find(key);
        if (node is null or YamlAliasNode)
        {
            return null;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Integer } scalar)
        {
            if (int.TryParse(scalar.Value, System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Error(key, $"{scalar.Value} is out of range for a whole number");
            return null;
        }

        Error(key, $"expected a whole number, got {Describe(node)}");
        return null;
    }

    public T? OptionalEnum<T>(string key, IReadOnlyDictionary<string, T> spellings) where T : struct, Enum
    {
        var node = Find(key);
        if (node is null or YamlAliasNode)
        {
            return null;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Text } scalar && spellings.TryGetValue(scalar.Value, out var value))
        {
            return value;
        }

        Error(key, $"must be one of {string.Join(", ", spellings.Keys)}; got {Describe(node)}");
        return null;
    }

    public TimeSpan? OptionalDuration(string key)
    {
        var node = Find(key);
        if (node is null or YamlAliasNode)
        {
            return null;
        }

        if (node is YamlScalarNode { Kind: ScalarKind.Text } scalar && DurationSyntax.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        Error(key, $"expected {DurationSyntax.Expected}; got {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The items of a list field; empty after reporting when it is something else or has more than
    /// <paramref name="maxItems"/> items (then none is read: the bound is what keeps a file's checks cheap).
    /// </summary>
    public IReadOnlyList<(YamlNode Node, string Path)> OptionalList(string key, int maxItems)
    {
        var node = Find(key);
        switch (node)
        {
            case null or YamlAliasNode:
                return [];
            case YamlSequenceNode sequence when sequence.Items.Length > maxItems:
                Error(key, $"has {sequence.Items.Length:N0} entries; at most {maxItems:N0} are allowed");
                return [];
            case YamlSequenceNode sequence:
                var path = PathOf(key);
                return [.. sequence.Items.Select((item, index) => (item, FieldPath.Item(path, index)))];
            default:
                Error(key, $"expected a list, got {Describe(node)}");
                return [];
        }
    }

    /// <summary>Like <see cref="OptionalList"/> but never reports: for cross-field checks after the field was read.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> OptionalListSilently(string key, int maxItems)
    {
        var path = PathOf(key);
        return Find(key) is YamlSequenceNode sequence && sequence.Items.Length <= maxItems
            ? [.. sequence.Items.Select((item, index) => (item, FieldPath.Item(path, index)))]
            : [];
    }

    public bool Has(string key) => Find(key) is not null;

    // Printable ASCII: the fast path; anything else is looked at character by character.
    private static readonly System.Buffers.SearchValues<char> VisibleCharacters =
        System.Buffers.SearchValues.Create(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).ToArray());

    /// <summary>The index of the first character from <paramref name="start"/> on that would not show as itself, if any.</summary>
    private static int? FirstInvisible(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (DisplayText.IsInvisible(c))
            {
                return i;
            }
        }

        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Describe(),
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "an alias",
    };

    private void ReportUnknownKeys(IReadOnlyList<string> allowedKeys, string what)
    {
        foreach (var entry in _mapping.Entries)
        {
            var key = entry.Key.Value;
            if (allowedKeys.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            if (_errors.Full)
            {
                _errors.CountOnly();
                continue;
            }

            var suggestion = allowedKeys.FirstOrDefault(allowed => LooksLike(key, allowed));
            var hint = suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
            _errors.Add(entry.Key, PathOf(key),
                $"unknown key {DisplayText.Quote(key)} in {what}{hint}; allowed keys: {string.Join(", ", allowedKeys)}");
        }
    }

    private static bool LooksLike(string typed, string allowed) =>
        typed.Equals(allowed, StringComparison.OrdinalIgnoreCase) || EditDistance(typed, allowed) <= 2;

    private static int EditDistance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
