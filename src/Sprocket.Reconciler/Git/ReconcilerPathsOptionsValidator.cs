using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Git;

/// <summary>The data directory must be named: the clone has to survive restarts somewhere deliberate.</summary>
public sealed class ReconcilerPathsOptionsValidator : IValidateOptions<ReconcilerPathsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerPathsOptions options) =>
        string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail($"{ReconcilerPathsOptions.SectionName}:DataDirectory is required (where the desired-state clone is kept).")
            : ValidateOptionsResult.Success;
}
