namespace Sprocket.Reconciler.Core.Desired;

/// <summary>One reason a desired-state file was rejected. Line and column are 1-based; 0 when the
/// error concerns the file as a whole (too large, empty).</summary>
public sealed record DesiredStateError(string File, int Line, int Column, string FieldPath, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {FieldPath}: {Message}" : $"{File}: {FieldPath}: {Message}";
}
