using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>Collects every problem at once; names keys, never values (the values are credentials).</summary>
public sealed class PulumiOptionsValidator : IValidateOptions<PulumiOptions>
{
    public ValidateOptionsResult Validate(string? name, PulumiOptions options)
    {
        const string prefix = PulumiOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Binary))
            errors.Add($"{prefix}:Binary must name the pulumi CLI (a name on PATH or an absolute path).");
        else if (!Path.IsPathRooted(options.Binary) && options.Binary.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            errors.Add($"{prefix}:Binary must be a bare name looked up on PATH or an absolute path, not a relative path.");

        foreach (var variable in options.Environment.Keys)
        {
            if (string.IsNullOrWhiteSpace(variable) || variable.Contains('=', StringComparison.Ordinal))
                errors.Add($"{prefix}:Environment has an entry whose name '{variable}' is not a valid environment variable name.");
            else if (variable == "PATH")
                errors.Add($"{prefix}:Environment:PATH is not allowed: name an absolute {prefix}:Binary instead.");
        }

        if (options.CommandTimeout <= TimeSpan.Zero)
            errors.Add($"{prefix}:CommandTimeout must be positive.");
        if (options.UpTimeout <= TimeSpan.Zero)
            errors.Add($"{prefix}:UpTimeout must be positive.");
        if (options.InterruptGrace <= TimeSpan.Zero)
            errors.Add($"{prefix}:InterruptGrace must be positive.");
        if (options.EventLogPollInterval <= TimeSpan.Zero)
            errors.Add($"{prefix}:EventLogPollInterval must be positive.");
        if (options.HistoryPageSize is < 1 or > 100)
            errors.Add($"{prefix}:HistoryPageSize must be between 1 and 100.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
