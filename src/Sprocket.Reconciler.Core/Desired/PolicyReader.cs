namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads a stack's <c>policy</c> block; every field is optional and defaults to <see cref="StackPolicy.Default"/>.</summary>
internal static class PolicyReader
{
    public static StackPolicy Read(YamlNode? node, string path, ErrorCollector errors)
    {
        var defaults = StackPolicy.Default;
        if (node is null)
        {
            return defaults;
        }

        var policy = MappingReader.Open(node, path, errors, DesiredStateVocabulary.PolicyKeys, "a policy");
        if (policy is null)
        {
            return defaults;
        }

        var stabilization = policy.OptionalDuration("stabilization") ?? defaults.Stabilization;
        if (stabilization <= TimeSpan.Zero)
        {
            // Zero would write a rollback back to git before anyone knows it holds.
            policy.Error("stabilization", $"must be longer than zero; got {stabilization:c}");
        }
        else if (stabilization > DesiredStateLimits.MaxStabilization)
        {
            policy.Error("stabilization", $"must be at most {DesiredStateLimits.MaxStabilization.TotalHours:0} hours; got {stabilization:c}");
        }

        var maxFailures = policy.OptionalInteger("maxConsecutiveFailures") ?? defaults.MaxConsecutiveFailures;
        if (maxFailures < 1)
        {
            policy.Error("maxConsecutiveFailures", $"must be at least 1; got {maxFailures}");
        }
        else if (maxFailures > DesiredStateLimits.MaxConsecutiveFailures)
        {
            policy.Error("maxConsecutiveFailures", $"must be at most {DesiredStateLimits.MaxConsecutiveFailures}; got {maxFailures}");
        }

        return new StackPolicy(
            AutoSync: policy.OptionalBoolean("autoSync") ?? defaults.AutoSync,
            OnEmergencyRollback: policy.OptionalEnum("onEmergencyRollback", DesiredStateVocabulary.EmergencyRollbackPolicies) ?? defaults.OnEmergencyRollback,
            OnFailedUpdateRollback: policy.OptionalEnum("onFailedUpdateRollback", DesiredStateVocabulary.FailedUpdateRollbackPolicies) ?? defaults.OnFailedUpdateRollback,
            OnDrift: policy.OptionalEnum("onDrift", DesiredStateVocabulary.DriftPolicies) ?? defaults.OnDrift,
            Stabilization: stabilization,
            WriteBack: policy.OptionalEnum("writeBack", DesiredStateVocabulary.WriteBackModes) ?? defaults.WriteBack,
            MaxConsecutiveFailures: maxFailures,
            SyncWindows: [.. policy.OptionalList("syncWindows", DesiredStateLimits.MaxSyncWindows)
                .Select(item => SyncWindowReader.Read(item.Node, item.Path, errors))
                .OfType<SyncWindow>()]);
    }
}
