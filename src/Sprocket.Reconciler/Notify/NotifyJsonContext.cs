using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.Notify;

[JsonSerializable(typeof(GrafanaAnnotation))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class NotifyJsonContext : JsonSerializerContext;
