using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Appends what <see cref="StackTransitions"/> found to the stack's timeline (<see cref="StackEventLog"/>). The loop
/// calls it beside <see cref="StackNotifications"/>, only when something changed. A timeline is a record for people,
/// not state the loop acts on: whatever fails here — working out the entries or appending them — is logged and the
/// loop goes on. That is why the entries arrive as a function: computing them (lazy iterators, a read of what was
/// recorded before) happens inside the guard, never in the loop between recording an operation and starting it.
/// </summary>
public sealed partial class StackTimeline(StackEventLog log, ILogger<StackTimeline> logger)
{
    public void Record(string stack, DateTimeOffset at, string? revision, Func<IEnumerable<TimelineEntry>> transitions)
    {
        List<TimelineEntry> entries;
        try
        {
            entries = [.. transitions()];
        }
        catch (Exception ex)
        {
            LogNotWorkedOut(logger, ex, stack);
            return;
        }
        foreach (var entry in entries)
        {
            try
            {
                log.Append(stack, at, entry.Kind, entry.Message, entry.Tag, entry.PreviousTag, entry.Revision ?? revision, entry.Link);
            }
            catch (Exception ex)
            {
                LogNotRecorded(logger, ex, entry.Kind.Spell(), stack);
            }
        }
    }

    public void Record(string stack, DateTimeOffset at, string? revision, Func<TimelineEntry> transition) =>
        Record(stack, at, revision, () => [transition()]);

    /// <summary>
    /// What the stack's timeline last said about its status (drift seen, the desired state refused, back in sync, an
    /// apply that succeeded), so a restart does not say it again. Read once per stack after a start, inside
    /// <see cref="Record(string, DateTimeOffset, string?, Func{IEnumerable{TimelineEntry}})"/>'s guard.
    /// </summary>
    public StackEvent? LastStatusEvent(string stack) => log.Newest(stack, StackTransitions.StatusKinds);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "The {Kind} event of stack {Stack} could not be added to its timeline")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string kind, string stack);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "What changed for stack {Stack} could not be worked out for its timeline; nothing added")]
    private static partial void LogNotWorkedOut(ILogger logger, Exception exception, string stack);
}
