using System.Collections.Concurrent;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The third leg of the three-way diff: the tag each stack's engine last applied (pulumi: stack history; swarm:
/// the label written on our last update). Read on polls and after applies, not on every Swarm event, because
/// asking Pulumi costs a CLI run; events reuse the last answer.
/// </summary>
public sealed partial class AppliedTagCache(ApplyRunner runner, ILogger<AppliedTagCache> logger)
{
    private readonly ConcurrentDictionary<string, string?> _tags = new(StringComparer.Ordinal);

    public string? Get(string stack) => _tags.GetValueOrDefault(stack);

    public async Task RefreshAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        foreach (var stack in desired.Stacks)
        {
            if (runner.IsApplying(stack.Name) || runner.EngineFor(stack) is not { } engine) continue;
            try
            {
                _tags[stack.Name] = await engine.ReadAppliedTagAsync(stack, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unknown is a valid answer: the classifier then decides from the previous spec.
                LogReadFailed(logger, stack.Name, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Could not read the applied tag of stack {Stack}: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string stack, string reason);
}
