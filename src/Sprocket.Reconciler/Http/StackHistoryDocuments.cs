using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Http;

/// <summary><c>GET /api/v1/stacks/{name}/history</c>: a page of applies, newest first; <see cref="Next"/> is the next page's <c>before</c>.</summary>
public sealed record ApplyHistoryPage(IReadOnlyList<ApplyDocument> Items, long? Next);

/// <summary>One apply's bill of materials. <see cref="FinishedAt"/> and <see cref="Outcome"/> are null while it runs (a
/// daemon that died during it leaves "interrupted", written by its next start); <see cref="Outcome"/> and <see cref="Mode"/> use the API's lower-case words.</summary>
public sealed record ApplyDocument(
    long Id,
    string Trigger,
    string Revision,
    string Tag,
    string Engine,
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Outcome,
    string? Message,
    IReadOnlyList<ApplyServiceDocument> Services,
    PreviewDocument? Preview)
{
    public static ApplyDocument From(ApplyRecord record) => new(
        record.Id, record.Trigger, record.Revision, record.Tag, record.Engine, record.Mode.ToLowerInvariant(), record.StartedAt, record.FinishedAt,
        OutcomeWord(record.Outcome), record.Message,
        [.. record.Services.Select(s => new ApplyServiceDocument(s.Service, s.Repository, s.ImageBefore, s.ImageAfter))],
        record.Preview is { } preview ? new PreviewDocument(preview.ChangeSummary, preview.Steps, preview.Diagnostics) : null);

    // Stored as the ApplyOutcome's name (what ApplyRunner writes); published as the reconcile outcome's spelling.
    private static string? OutcomeWord(string? stored) =>
        stored is null ? null
        : Enum.TryParse<ApplyOutcome>(stored, ignoreCase: false, out var outcome) ? ReconcileOutcome.Of(outcome).Spell()
        : stored.ToLowerInvariant();
}

/// <summary>A service's image before and after the apply (with the digest that ran).</summary>
public sealed record ApplyServiceDocument(string Service, string Repository, string? ImageBefore, string? ImageAfter);

/// <summary>The engine's preview: changes by kind (<c>update: 1</c>), the steps and any diagnostics.</summary>
public sealed record PreviewDocument(IReadOnlyDictionary<string, int> ChangeSummary, IReadOnlyList<string> Steps, IReadOnlyList<string> Diagnostics);

/// <summary><c>GET /api/v1/stacks/{name}/events</c>: a page of the stack's timeline, newest first.</summary>
public sealed record StackEventPage(IReadOnlyList<StackEventDocument> Items, long? Next);

/// <summary>One timeline entry; <see cref="Kind"/> a <see cref="StackEventKind"/> spelling.</summary>
public sealed record StackEventDocument(long Id, DateTimeOffset At, string Kind, string Message, string? Tag, string? PreviousTag, string? Revision, string? Link)
{
    public static StackEventDocument From(StackEvent e) => new(e.Id, e.At, e.Kind, e.Message, e.Tag, e.PreviousTag, e.Revision, e.Link);
}
