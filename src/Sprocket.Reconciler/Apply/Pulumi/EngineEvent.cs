using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// One line of <c>--event-log FILE</c> (pulumi/pulumi sdk/go/common/apitype/events.go, EngineEvent): a
/// <c>sequence</c>, a Unix-seconds <c>timestamp</c> and exactly one payload key. The payloads the driver reads
/// are modelled; every other kind (stdoutEvent, policyEvent, progressEvent…) is an <see cref="OtherEngineEvent"/>.
/// </summary>
internal abstract record EngineEvent(long Sequence, long Timestamp);

/// <summary>preludeEvent: the config the update runs with (secrets blinded by the CLI).</summary>
internal sealed record PreludeEngineEvent(long Sequence, long Timestamp, IReadOnlyDictionary<string, string> Config)
    : EngineEvent(Sequence, Timestamp);

/// <summary>resourcePreEvent: a step is about to run (or, with <c>planning</c>, would run in a preview).</summary>
internal sealed record ResourcePreEngineEvent(long Sequence, long Timestamp, StepMetadata Metadata, bool Planning)
    : EngineEvent(Sequence, Timestamp);

/// <summary>resOutputsEvent: a step finished and the resource has its outputs.</summary>
internal sealed record ResourceOutputsEngineEvent(long Sequence, long Timestamp, StepMetadata Metadata, bool Planning)
    : EngineEvent(Sequence, Timestamp);

/// <summary>resOpFailedEvent: a step failed (a diagnosticEvent before it usually says why).</summary>
internal sealed record ResourceOperationFailedEngineEvent(long Sequence, long Timestamp, StepMetadata Metadata, int Status, int Steps)
    : EngineEvent(Sequence, Timestamp);

/// <summary>diagnosticEvent; severity is info, info#err, warning, error or debug.</summary>
internal sealed record DiagnosticEngineEvent(long Sequence, long Timestamp, string Severity, string Message, string? Urn, bool Ephemeral)
    : EngineEvent(Sequence, Timestamp)
{
    public bool IsError => Severity == "error";
}

/// <summary>
/// summaryEvent, emitted once at the end of a run that got that far: maybeCorrupt, durationSeconds,
/// resourceChanges, PolicyPacks, isPreview and, since pulumi/pulumi v3.237.0, <see cref="Result"/>
/// (<c>succeeded</c>, <c>failed</c>, <c>canceled</c>: apitype.OperationResult in sdk/go/common/apitype/events.go).
/// Null when an older CLI wrote none; <see cref="UpVerdict"/> then goes by the exit code alone.
/// </summary>
internal sealed record SummaryEngineEvent(
    long Sequence,
    long Timestamp,
    IReadOnlyDictionary<string, int> ResourceChanges,
    long DurationSeconds,
    bool MaybeCorrupt,
    bool IsPreview,
    string? Result) : EngineEvent(Sequence, Timestamp);

/// <summary>cancelEvent: always the last event of a run, whether it succeeded or was cancelled.</summary>
internal sealed record CancelEngineEvent(long Sequence, long Timestamp) : EngineEvent(Sequence, Timestamp);

/// <summary>A payload the driver does not use, kept by name so progress can still count it.</summary>
internal sealed record OtherEngineEvent(long Sequence, long Timestamp, string Kind) : EngineEvent(Sequence, Timestamp);

/// <summary>metadata of a step event: op (same, create, update, delete, replace, refresh…), urn, type, old/new state.</summary>
internal sealed record StepMetadata(string Op, string Urn, string Type, ResourceState? Old, ResourceState? New);

/// <summary>A resource's state in a step event; inputs/outputs stay JSON (cloned, so they outlive the line).</summary>
internal sealed record ResourceState(string Type, string Urn, string Id, JsonElement Inputs, JsonElement Outputs);
