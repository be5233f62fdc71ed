using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.State;

/// <summary>
/// How a <see cref="StackRuntimeState"/> row is written: the generated contract, with the JSON names of properties
/// renamed in code kept as stored rows have them.
/// </summary>
internal static class StackStateJson
{
    /// <summary>Property (camel-cased) → the name rows carry. <c>rollbackSeen</c> was <c>RollbackSeenForTag</c>, a plain string.</summary>
    private static readonly Dictionary<string, string> StoredNames = new(StringComparer.Ordinal) { ["rollbackSeen"] = "rollbackSeenForTag" };

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
            if (StoredNames.TryGetValue(property.Name, out var stored))
                property.Name = stored;
    }
}
