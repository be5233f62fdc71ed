using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>What started a reconcile: <c>lastReconcile.trigger</c> in the stack JSON, the <c>trigger</c> label of
/// reconciles_total, the apply history and the logs.</summary>
public enum ReconcileTrigger
{
    Startup, Poll, Event, Resync, Api, Webhook,
    /// <summary>The re-evaluation right after an apply ended, to verify what it did.</summary>
    Apply,
    /// <summary>A wait (backoff, sync window) ran out.</summary>
    Retry,
}

public static class ReconcileTriggers
{
    public static SpellingTable<ReconcileTrigger> Spellings { get; } = new(
        (ReconcileTrigger.Startup, "startup"),
        (ReconcileTrigger.Poll, "poll"),
        (ReconcileTrigger.Event, "event"),
        (ReconcileTrigger.Resync, "resync"),
        (ReconcileTrigger.Api, "api"),
        (ReconcileTrigger.Webhook, "webhook"),
        (ReconcileTrigger.Apply, "apply"),
        (ReconcileTrigger.Retry, "retry"));

    public static string Spell(this ReconcileTrigger trigger) => Spellings.Spell(trigger);
}
