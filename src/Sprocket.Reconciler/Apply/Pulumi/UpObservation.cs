namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>What the event log of one <c>up</c> showed, accumulated as events arrive.</summary>
internal sealed class UpObservation
{
    public const string DockerServiceType = "docker:index/service:Service";

    private readonly Dictionary<string, ServiceChange> _changes = new(StringComparer.Ordinal);

    public SummaryEngineEvent? Summary { get; private set; }

    public bool Cancelled { get; private set; }

    /// <summary>The preludeEvent came: the CLI holds the stack's lock and the update has begun.</summary>
    public bool Started { get; private set; }

    public List<string> FailedSteps { get; } = [];

    public List<string> Errors { get; } = [];

    public int EventCount { get; private set; }

    public IReadOnlyList<ServiceChange> Changes => _changes.Values.ToList();

    /// <summary>Records the event and returns a line of progress for it, or null when it is not worth one.</summary>
    public string? Observe(EngineEvent engineEvent)
    {
        EventCount++;
        switch (engineEvent)
        {
            case PreludeEngineEvent:
                Started = true;
                return null;
            case ResourcePreEngineEvent { Planning: false, Metadata: var step } when IsChange(step.Op):
                return $"{step.Op} {step.Type} {Urn.Name(step.Urn)}…";
            case ResourceOutputsEngineEvent { Planning: false, Metadata: var step } when IsChange(step.Op):
                RecordServiceChange(step);
                return $"{step.Op} {step.Type} {Urn.Name(step.Urn)} done";
            case ResourceOperationFailedEngineEvent { Metadata: var step }:
                FailedSteps.Add($"{step.Op} {step.Urn}");
                return $"{step.Op} {step.Type} {Urn.Name(step.Urn)} FAILED";
            case DiagnosticEngineEvent { Ephemeral: false } diagnostic when diagnostic.IsError:
                Errors.Add(diagnostic.Message.Trim());
                return $"error: {diagnostic.Message.Trim()}";
            case DiagnosticEngineEvent { Ephemeral: false, Severity: "warning" } diagnostic:
                return $"warning: {diagnostic.Message.Trim()}";
            case SummaryEngineEvent summary:
                Summary = summary;
                return $"summary: {ChangeCounts(summary.ResourceChanges)} in {summary.DurationSeconds} s"
                    + (summary.Result is { } result ? $" ({result})" : "");
            case CancelEngineEvent:
                Cancelled = true;
                return null;
            default:
                return null;
        }
    }

    public static string ChangeCounts(IReadOnlyDictionary<string, int> changes) =>
        changes.Count == 0 ? "no changes" : string.Join(", ", changes.OrderBy(change => change.Key, StringComparer.Ordinal).Select(change => $"{change.Key}={change.Value}"));

    // "same" is nothing; "refresh" steps read live state (the --refresh part), they change nothing.
    private static bool IsChange(string op) => op is not ("same" or "refresh" or "read" or "");

    private void RecordServiceChange(StepMetadata step)
    {
        if (step.Type != DockerServiceType)
            return;
        var name = ServiceName(step.New) ?? ServiceName(step.Old) ?? Urn.Name(step.Urn);
        _changes[step.Urn] = new ServiceChange(name, Image(step.Old), Image(step.New));
    }

    private static string? ServiceName(ResourceState? state) => state is null
        ? null
        : Json.String(state.Outputs, "name") ?? Json.String(state.Inputs, "name");

    // The docker provider's Service keeps the image at taskSpec.containerSpec.image.
    private static string? Image(ResourceState? state) => state is null
        ? null
        : Json.String(state.Outputs, "taskSpec", "containerSpec", "image") ?? Json.String(state.Inputs, "taskSpec", "containerSpec", "image");
}
