namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// Splits argv into words and flags. One flag table serves every command (the real CLI's flags differ per
/// command, but a driver only sends valid combinations); a flag outside the table fails with pflag's text
/// (<c>unknown flag: --x</c>), exit 1. <c>--event-log</c> exists only on the operations and only under
/// <c>PULUMI_DEBUG_COMMANDS</c> (see <see cref="DebugCommands"/>).
/// </summary>
public static class ArgumentParser
{
    private sealed record FlagSpec(string Name, bool TakesValue);

    private static readonly Dictionary<string, FlagSpec> LongFlags = new[]
    {
        new FlagSpec("non-interactive", false), new FlagSpec("stack", true), new FlagSpec("cwd", true),
        new FlagSpec("color", true), new FlagSpec("json", false), new FlagSpec("yes", false),
        new FlagSpec("skip-preview", false), new FlagSpec("refresh", false), new FlagSpec("event-log", true),
        new FlagSpec("exec-kind", true), new FlagSpec("exec-agent", true), new FlagSpec("plaintext", false),
        new FlagSpec("secret", false), new FlagSpec("path", false), new FlagSpec("page-size", true),
        new FlagSpec("page", true), new FlagSpec("create", false), new FlagSpec("diff", false),
        new FlagSpec("show-secrets", false), new FlagSpec("message", true), new FlagSpec("suppress-progress", false),
        new FlagSpec("suppress-outputs", false), new FlagSpec("logtostderr", false), new FlagSpec("verbose", true),
        new FlagSpec("parallel", true), new FlagSpec("all", false), new FlagSpec("secrets-provider", true),
        new FlagSpec("expect-no-changes", false), new FlagSpec("full-dates", false), new FlagSpec("clear-pending-creates", false),
    }.ToDictionary(flag => flag.Name, StringComparer.Ordinal);

    private static readonly Dictionary<char, string> ShortFlags = new()
    {
        ['s'] = "stack", ['C'] = "cwd", ['j'] = "json", ['y'] = "yes", ['f'] = "skip-preview",
        ['r'] = "refresh", ['c'] = "create", ['m'] = "message", ['v'] = "verbose", ['p'] = "parallel",
        ['a'] = "all",
    };

    public static ParsedArguments Parse(IReadOnlyList<string> argv) => Parse(argv, DebugCommands.Enabled());

    public static ParsedArguments Parse(IReadOnlyList<string> argv, bool debugCommands)
    {
        var words = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var afterDoubleDash = new List<string>();
        for (var index = 0; index < argv.Count; index++)
        {
            var argument = argv[index];
            if (argument == "--")
            {
                afterDoubleDash.AddRange(argv.Skip(index + 1));
                break;
            }

            if (argument.StartsWith("--", StringComparison.Ordinal))
            {
                var body = argument[2..];
                var equals = body.IndexOf('=', StringComparison.Ordinal);
                var name = equals >= 0 ? body[..equals] : body;
                var command = words.FirstOrDefault();
                if (!LongFlags.TryGetValue(name, out var spec) ||
                    (name == "event-log" && !DebugCommands.HasEventLogFlag(command, debugCommands)))
                {
                    throw new CliException($"unknown flag: --{name}");
                }

                flags[name] = ReadValue(spec, equals >= 0 ? body[(equals + 1)..] : null, argv, ref index, argument);
            }
            else if (argument.Length > 1 && argument[0] == '-' && argument != "-")
            {
                var letter = argument[1];
                if (!ShortFlags.TryGetValue(letter, out var name))
                {
                    throw new CliException($"unknown shorthand flag: '{letter}' in {argument}");
                }

                var inline = argument.Length > 2 ? argument[2..].TrimStart('=') : null;
                flags[name] = ReadValue(LongFlags[name], inline, argv, ref index, argument);
            }
            else
            {
                words.Add(argument);
            }
        }

        return new ParsedArguments(words, flags, afterDoubleDash);
    }

    private static string ReadValue(FlagSpec spec, string? inline, IReadOnlyList<string> argv, ref int index, string argument)
    {
        if (!spec.TakesValue) return inline ?? "true";
        if (inline is not null) return inline;
        if (index + 1 >= argv.Count) throw new CliException($"flag needs an argument: {argument}");
        index++;
        return argv[index];
    }
}
