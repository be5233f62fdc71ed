using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>Rejects swarm-engine settings at start-up with messages that name the configuration key.</summary>
public sealed class SwarmApplyOptionsValidator : IValidateOptions<SwarmApplyOptions>
{
    public ValidateOptionsResult Validate(string? name, SwarmApplyOptions options)
    {
        var failures = new List<string>();
        const string prefix = SwarmApplyOptions.SectionName;

        if (options.ConvergenceTimeout <= TimeSpan.Zero)
            failures.Add($"{prefix}:ConvergenceTimeout must be greater than zero (a TimeSpan such as 00:05:00).");

        if (options.PollInterval <= TimeSpan.Zero)
            failures.Add($"{prefix}:PollInterval must be greater than zero (a TimeSpan such as 00:00:00.250).");
        else if (options.ConvergenceTimeout > TimeSpan.Zero && options.PollInterval > options.ConvergenceTimeout)
            failures.Add($"{prefix}:PollInterval ({options.PollInterval}) must not exceed {prefix}:ConvergenceTimeout ({options.ConvergenceTimeout}).");

        if (options.MaxVersionConflictRetries is < 0 or > 100)
            failures.Add($"{prefix}:MaxVersionConflictRetries must be between 0 and 100.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
