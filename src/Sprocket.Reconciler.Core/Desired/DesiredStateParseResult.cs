using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Either a valid <see cref="DesiredState"/> or every error found in the file. A file is accepted
/// or rejected as a unit: there is never a partial state.
/// </summary>
public sealed class DesiredStateParseResult
{
    private DesiredStateParseResult(DesiredState? state, ImmutableArray<DesiredStateError> errors, int errorCount)
    {
        State = state;
        Errors = errors;
        ErrorCount = errorCount;
    }

    public DesiredState? State { get; }

    /// <summary>Ordered by line then column; empty when <see cref="IsValid"/>.</summary>
    public ImmutableArray<DesiredStateError> Errors { get; }

    /// <summary>
    /// How many errors the file has in all. <see cref="Errors"/> keeps only the first
    /// <see cref="ErrorCollector.MaxErrors"/> (then one more saying so), so a hostile file cannot make it unbounded.
    /// </summary>
    public int ErrorCount { get; }

    [MemberNotNullWhen(true, nameof(State))]
    public bool IsValid => State is not null;

    /// <summary>"1 error", "7 errors", or "3,000 errors (first 100 shown)"; empty when valid.</summary>
    public string ErrorSummary => ErrorCount switch
    {
        0 => "",
        1 => "1 error",
        > ErrorCollector.MaxErrors => $"{ErrorCount:N0} errors (first {ErrorCollector.MaxErrors} shown)",
        _ => $"{ErrorCount:N0} errors",
    };

    internal static DesiredStateParseResult Valid(DesiredState state) => new(state, [], 0);

    internal static DesiredStateParseResult Invalid(ImmutableArray<DesiredStateError> errors, int errorCount) =>
        errors.IsDefaultOrEmpty
            ? throw new ArgumentException("A rejected file needs at least one error.", nameof(errors))
            : new(null, errors, Math.Max(errorCount, 1));

    public override string ToString() =>
        IsValid ? $"valid: {State.Stacks.Length} stack(s)" : string.Join(Environment.NewLine, Errors);
}
