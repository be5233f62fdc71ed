using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Hosting;

/// <summary>
/// The data directory must be named: the clone and the state database have to survive restarts somewhere
/// deliberate. A negative shutdown grace is refused rather than read as "do not wait"; a resync must have an interval.
/// </summary>
public sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            errors.Add($"{ReconcilerOptions.Key(nameof(ReconcilerOptions.DataDirectory))} is required (where the desired-state clone and the state database are kept).");
        if (options.ShutdownGrace < TimeSpan.Zero)
            errors.Add($"{ReconcilerOptions.Key(nameof(ReconcilerOptions.ShutdownGrace))} must not be negative (a TimeSpan such as 00:10:00).");
        if (options.ResyncInterval <= TimeSpan.Zero)
            errors.Add($"{ReconcilerOptions.Key(nameof(ReconcilerOptions.ResyncInterval))} must be greater than zero (a TimeSpan such as 00:05:00).");
        if (options.CircuitCoolDown <= TimeSpan.Zero)
            errors.Add($"{ReconcilerOptions.Key(nameof(ReconcilerOptions.CircuitCoolDown))} must be greater than zero (a TimeSpan such as 00:05:00).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
