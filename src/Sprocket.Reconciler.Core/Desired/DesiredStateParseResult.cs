using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Either a valid <see cref="DesiredState"/> or every error found in the file. A file is accepted
/// or rejected as a unit: there is never a partial state.
/// </summary>
public sealed class DesiredStateParseResult
{
    private DesiredStateParseResult(DesiredState? state, ImmutableArray<DesiredStateError> errors)
    {
        State = state;
        Errors = errors;
    }

    public DesiredState? State { get; }

    /// <summary>Ordered by line then column; empty when <see cref="IsValid"/>.</summary>
    public ImmutableArray<DesiredStateError> Errors { get; }

    [MemberNotNullWhen(true, nameof(State))]
    public bool IsValid => State is not null;

    internal static DesiredStateParseResult Valid(DesiredState state) => new(state, []);

    internal static DesiredStateParseResult Invalid(ImmutableArray<DesiredStateError> errors) =>
        errors.IsDefaultOrEmpty
            ? throw new ArgumentException("A rejected file needs at least one error.", nameof(errors))
            : new(null, errors);

    public override string ToString() =>
        IsValid ? $"valid: {State.Stacks.Length} stack(s)" : string.Join(Environment.NewLine, Errors);
}
