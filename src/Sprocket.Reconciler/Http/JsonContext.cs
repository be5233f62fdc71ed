using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.Http;

/// <summary>Source-generated JSON for the API and the CLI's <c>--json</c>: camelCase, as the contract spells it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(StackDocument))]
[JsonSerializable(typeof(IReadOnlyList<StackDocument>))]
[JsonSerializable(typeof(ReadinessDocument))]
[JsonSerializable(typeof(ErrorDocument))]
[JsonSerializable(typeof(HoldDocument))]
[JsonSerializable(typeof(MessageDocument))]
[JsonSerializable(typeof(ApplyHistoryPage))]
[JsonSerializable(typeof(StackEventPage))]
public sealed partial class JsonContext : JsonSerializerContext;

public sealed record ReadinessDocument(string Status, string Role, string? Revision, string? Problem);

public sealed record ErrorDocument(string Error);

public sealed record MessageDocument(string Message);
