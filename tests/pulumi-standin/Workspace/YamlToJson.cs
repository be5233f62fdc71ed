using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Sprocket.PulumiStandin.Workspace;

/// <summary>Reads YAML into JsonNodes, so the program, config and state share one tree model. Scalars stay strings.</summary>
public static class YamlToJson
{
    public static JsonNode? Parse(string yaml) => Convert(new DeserializerBuilder().Build().Deserialize<object?>(yaml));

    private static JsonNode? Convert(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(pair =>
            KeyValuePair.Create(pair.Key.ToString() ?? "", Convert(pair.Value)))),
        IList<object?> list => new JsonArray(list.Select(Convert).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
