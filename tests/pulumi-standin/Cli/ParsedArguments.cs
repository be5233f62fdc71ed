namespace Sprocket.PulumiStandin.Cli;

/// <summary>The command line split the way cobra splits it: command words and positionals, flags, and what follows <c>--</c>.</summary>
public sealed record ParsedArguments(
    IReadOnlyList<string> Words,
    IReadOnlyDictionary<string, string> Flags,
    IReadOnlyList<string> AfterDoubleDash)
{
    public string? Value(string flag) => Flags.TryGetValue(flag, out var value) ? value : null;

    /// <summary>Boolean flags accept <c>--flag</c>, <c>--flag=true</c> and <c>--flag=false</c>, as pflag does.</summary>
    public bool IsSet(string flag) =>
        Flags.TryGetValue(flag, out var value) && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);

    public int IntValue(string flag, int fallback)
    {
        var text = Value(flag);
        if (text is null) return fallback;
        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new CliException($"invalid argument \"{text}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax");
    }
}
