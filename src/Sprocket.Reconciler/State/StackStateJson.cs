using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.State;

/// <summary>
/// How a <see cref="StackRuntimeState"/> row is written: the generated contract, with the JSON names of properties
/// renamed in code kept as stored rows have them, and properties added later left out while null (a row loaded and
/// saved again reads as it did).
/// </summary>
internal static class StackStateJson
{
    /// <summary>Property (camel-cased) → the name rows carry. <c>rollbackSeen</c> was <c>RollbackSeenForTag</c>, a plain string.</summary>
    private static readonly Dictionary<string, string> StoredNames = new(StringComparer.Ordinal) { ["rollbackSeen"] = "rollbackSeenForTag" };

    /// <summary>Properties rows did not always carry: written only with a value.</summary>
    private static readonly HashSet<string> AddedLater = new(StringComparer.Ordinal) { "lastSyncedAt", "registryRetries", "lastFailedAt" };

    public static JsonTypeInfo<StackRuntimeState> TypeInfo { get; } = Build();

    private static JsonTypeInfo<StackRuntimeState> Build()
    {
        var options = new JsonSerializerOptions(StateJson.Default.Options)
        {
            TypeInfoResolver = StateJson.Default.WithAddedModifier(KeepStoredNames),
        };
        return (JsonTypeInfo<StackRuntimeState>)options.GetTypeInfo(typeof(StackRuntimeState));
    }

    private static void KeepStoredNames(JsonTypeInfo type)
    {
        if (type.Type != typeof(StackRuntimeState)) return;
        foreach (var property in type.Properties)
        {
            if (AddedLater.Contains(property.Name)) property.ShouldSerialize = static (_, value) => value is not (null or 0);
            if (StoredNames.TryGetValue(property.Name, out var stored))
                property.Name = stored;
        }
    }
}
