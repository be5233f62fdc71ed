using System.Collections.Immutable;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Collects every error of one file. Capped so that a hostile file (a megabyte of aliases)
/// cannot produce an unbounded error list.
/// </summary>
internal sealed class ErrorCollector(string fileName)
{
    public const int MaxErrors = 100;

    private readonly List<DesiredStateError> _errors = [];
    private bool _truncated;

    public bool HasErrors => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(SourcePosition at, string fieldPath, string message)
    {
        if (_errors.Count >= MaxErrors)
        {
            _truncated = true;
            return;
        }

        _errors.Add(new DesiredStateError(fileName, at.Line, at.Column, fieldPath, message));
    }

    public void Add(YamlNode at, string fieldPath, string message) => Add(at.Position, fieldPath, message);

    public ImmutableArray<DesiredStateError> ToImmutable()
    {
        var ordered = _errors
            .OrderBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList();
        if (_truncated)
        {
            ordered.Add(new DesiredStateError(fileName, 0, 0, "$",
                $"too many errors: only the first {MaxErrors} are listed"));
        }

        return [.. ordered];
    }
}
