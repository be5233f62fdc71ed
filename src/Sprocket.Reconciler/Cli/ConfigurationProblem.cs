using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Turns the exceptions .NET raises for bad settings at start-up into one readable line naming the key,
/// instead of a stack trace: validation failures, and values that do not convert to the option's type.
/// </summary>
public static class ConfigurationProblem
{
    public const string Prefix = "sprocket-reconciler: configuration error: ";

    public static string? Describe(Exception exception) => exception switch
    {
        // A settings file that does not parse: its name and the position, never its text (it may be the secrets file).
        InvalidDataException { Message: var message } unreadable when message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal)
            => OneLine(message.TrimEnd('.') + ": " + WhyUnreadable(unreadable.InnerException)),
        OptionsValidationException validation => OneLine(string.Join(" ", validation.Failures)),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => OneLine(message),
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        { InnerException: { } inner } => Describe(inner),
        _ => null,
    };

    private static string WhyUnreadable(Exception? cause)
    {
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Text.Json.JsonException json)
                return json.LineNumber is { } line
                    ? $"not valid JSON at line {line + 1}, byte {(json.BytePositionInLine ?? 0) + 1}"
                    : "not valid JSON";
        }
        // .NET's reasons name a key (a duplicate) or the path (not readable), not a value.
        return cause switch
        {
            FormatException or IOException or UnauthorizedAccessException => cause.Message,
            _ => "not readable",
        };
    }

    /// <summary>Prints the problem as the one line every bad setting ends in, and gives the exit code for it.</summary>
    public static async Task<int> ReportAsync(TextWriter errors, string problem)
    {
        await errors.WriteLineAsync(Prefix + OneLine(problem));
        return ExitCodes.InvalidOrUnreachable;
    }

    // Scripts read the first stderr line; a failure message with a newline in it must not become two.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
