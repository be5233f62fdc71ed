namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Every key and enum spelling of the desired-state format in one place, so the parser,
/// the JSON schema test and anything that prints a policy agree on the words.
/// </summary>
public static class DesiredStateVocabulary
{
    public static IReadOnlyList<string> RootKeys { get; } = ["version", "stacks", "immutableTagPattern"];

    public static IReadOnlyList<string> StackKeys { get; } =
        ["name", "engine", "imageTag", "pulumi", "services", "observeOnly", "policy"];

    public static IReadOnlyList<string> PulumiKeys { get; } = ["project", "stack", "workDir", "configKey", "program"];

    public static IReadOnlyList<string> ProgramKeys { get; } = ["repository", "ref"];

    public static IReadOnlyList<string> ServiceKeys { get; } = ["repository", "match"];

    public static IReadOnlyList<string> ObservedServiceKeys { get; } = ["repository", "match", "tag"];

    public static IReadOnlyList<string> PolicyKeys { get; } =
    [
        "autoSync", "onEmergencyRollback", "onFailedUpdateRollback", "onDrift",
        "stabilization", "writeBack", "maxConsecutiveFailures", "syncWindows",
    ];

    public static IReadOnlyList<string> SyncWindowKeys { get; } = ["kind", "schedule", "duration", "timeZone"];

    public static IReadOnlyDictionary<string, StackEngine> Engines { get; } = Spellings(
        ("pulumi", StackEngine.Pulumi), ("swarm", StackEngine.Swarm));

    public static IReadOnlyDictionary<string, EmergencyRollbackPolicy> EmergencyRollbackPolicies { get; } = Spellings(
        ("realign", EmergencyRollbackPolicy.Realign), ("hold", EmergencyRollbackPolicy.Hold), ("revert", EmergencyRollbackPolicy.Revert));

    public static IReadOnlyDictionary<string, FailedUpdateRollbackPolicy> FailedUpdateRollbackPolicies { get; } = Spellings(
        ("hold", FailedUpdateRollbackPolicy.Hold), ("alert", FailedUpdateRollbackPolicy.Alert));

    public static IReadOnlyDictionary<string, DriftPolicy> DriftPolicies { get; } = Spellings(
        ("revert", DriftPolicy.Revert), ("hold", DriftPolicy.Hold), ("alert", DriftPolicy.Alert));

    public static IReadOnlyDictionary<string, WriteBackMode> WriteBackModes { get; } = Spellings(
        ("pull-request", WriteBackMode.PullRequest), ("commit", WriteBackMode.Commit), ("none", WriteBackMode.None));

    public static IReadOnlyDictionary<string, SyncWindowKind> SyncWindowKinds { get; } = Spellings(
        ("allow", SyncWindowKind.Allow), ("deny", SyncWindowKind.Deny));

    /// <summary>The file's spelling of an enum value, e.g. <c>pull-request</c> for <see cref="WriteBackMode.PullRequest"/>.</summary>
    public static string Spell(StackEngine value) => SpellingOf(Engines, value);

    public static string Spell(EmergencyRollbackPolicy value) => SpellingOf(EmergencyRollbackPolicies, value);

    public static string Spell(FailedUpdateRollbackPolicy value) => SpellingOf(FailedUpdateRollbackPolicies, value);

    public static string Spell(DriftPolicy value) => SpellingOf(DriftPolicies, value);

    public static string Spell(WriteBackMode value) => SpellingOf(WriteBackModes, value);

    public static string Spell(SyncWindowKind value) => SpellingOf(SyncWindowKinds, value);

    // Ordered so that error messages list the values in the order the README and the JSON schema give them.
    private static IReadOnlyDictionary<string, T> Spellings<T>(params (string Text, T Value)[] pairs)
    {
        var spellings = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (text, value) in pairs)
        {
            spellings.Add(text, value);
        }

        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, T>(spellings);
    }

    private static string SpellingOf<T>(IReadOnlyDictionary<string, T> spellings, T value) where T : struct, Enum =>
        spellings.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Key;
}
