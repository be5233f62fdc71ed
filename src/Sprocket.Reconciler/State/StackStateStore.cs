using System.Text.Json;
using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.State;

/// <summary>
/// Persists each stack's <see cref="StackRuntimeState"/> as one JSON row, written whenever it changes, so a
/// restart finds its holds, backoff counters, open circuits and refused tags exactly as it left them.
/// </summary>
public sealed class StackStateStore(StateDatabase database)
{
    /// <summary>The file the states are written to, for messages that must name it.</summary>
    public string Path => database.Path;

    public IReadOnlyDictionary<string, StackRuntimeState> LoadAll()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT stack, state FROM stack_state;";
        using var reader = command.ExecuteReader();
        var states = new Dictionary<string, StackRuntimeState>(StringComparer.Ordinal);
        while (reader.Read())
            states[reader.GetString(0)] = JsonSerializer.Deserialize(reader.GetString(1), StackStateJson.TypeInfo) ?? StackRuntimeState.Initial;
        return states;
    }

    public void Save(string stack, StackRuntimeState state, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO stack_state (stack, state, updated_at) VALUES ($stack, $state, $at)
            ON CONFLICT (stack) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$stack", stack);
        command.Parameters.AddWithValue("$state", JsonSerializer.Serialize(state, StackStateJson.TypeInfo));
        command.Parameters.AddWithValue("$at", StateTime.Format(at));
        command.ExecuteNonQuery();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    Converters = [typeof(HoldReasonJsonConverter), typeof(WriteBackKindJsonConverter), typeof(RollbackSeenJsonConverter)])]
[JsonSerializable(typeof(StackRuntimeState))]
[JsonSerializable(typeof(ApplyRecord))]
[JsonSerializable(typeof(IReadOnlyList<ApplyRecordService>))]
[JsonSerializable(typeof(Apply.PreviewSummary))]
internal sealed partial class StateJson : JsonSerializerContext;
