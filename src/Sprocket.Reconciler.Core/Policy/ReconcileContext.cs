using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>Everything the policy needs for one stack, gathered by the shell; the policy reads no clock.</summary>
/// <param name="Manual">A human asked (API reconcile): sync windows and backoff waits do not apply.</param>
/// <param name="InSyncWindow">Automatic applies are allowed now.</param>
/// <param name="NextWindowOpens">When the next allow window opens, if outside one.</param>
/// <param name="EngineRecreatesMissing">Pulumi recreates a removed service; a direct Swarm update cannot.</param>
/// <param name="CircuitCoolDown">How long an open circuit stays open before one trial apply (half-open); null: the default.</param>
public sealed record ReconcileContext(
    StackSpec Stack,
    StackEvaluation Evaluation,
    StackRuntimeState State,
    DateTimeOffset Now,
    bool Leader = true,
    bool Manual = false,
    bool InSyncWindow = true,
    DateTimeOffset? NextWindowOpens = null,
    bool EngineRecreatesMissing = false,
    TimeSpan? CircuitCoolDown = null);
