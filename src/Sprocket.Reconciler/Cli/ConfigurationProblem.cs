using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Turns the exceptions .NET raises for bad settings at start-up into one readable line naming the key,
/// instead of a stack trace: validation failures, and values that do not convert to the option's type.
/// </summary>
public static class ConfigurationProblem
{
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => message,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        { InnerException: { } inner } => Describe(inner),
        _ => null,
    };
}
