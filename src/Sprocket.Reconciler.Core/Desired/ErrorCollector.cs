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
    private readonly string _shownFileName = DisplayText.Escape(fileName);

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Every error found, including those past <see cref="MaxErrors"/> that were not kept.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// True once <see cref="MaxErrors"/> are kept. Loops over hostile input (a megabyte of NULs, of
    /// duplicate keys) then call <see cref="CountOnly"/> instead of formatting messages nobody will see.
    /// </summary>
    public bool Full => _errors.Count >= MaxErrors;

    /// <summary>Counts an error that would not be kept anyway.</summary>
    public void CountOnly() => Count++;

    public void Add(SourcePosition at, string fieldPath, string message)
    {
        Count++;
        if (_errors.Count >= MaxErrors)
        {
            return;
        }

        // The backstop for every message: values are quoted with DisplayText.Quote where they are
        // written, but a path holds keys from the file and a message may hold library text.
        _errors.Add(new DesiredStateError(_shownFileName, at.Line, at.Column, DisplayText.Escape(fieldPath), DisplayText.Escape(message)));
    }

    public void Add(YamlNode at, string fieldPath, string message) => Add(at.Position, fieldPath, message);

    public ImmutableArray<DesiredStateError> ToImmutable()
    {
        var ordered = _errors
            .OrderBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList();
        if (Count > MaxErrors)
        {
            ordered.Add(new DesiredStateError(_shownFileName, 0, 0, FieldPath.Root,
                $"too many errors: {Count:N0} in all, only the first {MaxErrors} are listed"));
        }

        return [.. ordered];
    }
}
