using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Appends what <see cref="StackTransitions"/> found to the stack's timeline (<see cref="StackEventLog"/>). The loop
/// calls it beside <see cref="StackNotifications"/>, only when something changed. A timeline is a record for people,
/// not state the loop acts on: an append that fails is logged and the loop goes on.
/// </summary>
public sealed partial class StackTimeline(StackEventLog log, ILogger<StackTimeline> logger)
{
    public void Record(string stack, DateTimeOffset at, string? revision, IEnumerable<TimelineEntry> entries)
    {
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

    public void Record(string stack, DateTimeOffset at, string? revision, TimelineEntry entry) => Record(stack, at, revision, [entry]);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "The {Kind} event of stack {Stack} could not be added to its timeline")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string kind, string stack);
}
