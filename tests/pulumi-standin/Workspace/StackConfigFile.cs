using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Sprocket.PulumiStandin.Workspace;

/// <summary>
/// Pulumi.&lt;stack&gt;.yaml beside Pulumi.yaml: <c>encryptionsalt</c> and <c>config: {project:key: value}</c>,
/// the file `pulumi config set` writes in the real CLI. Secrets are not supported (plaintext only).
/// </summary>
public sealed class StackConfigFile
{
    private readonly JsonObject _document;

    private StackConfigFile(string path, JsonObject document)
    {
        Path = path;
        _document = document;
    }

    public string Path { get; }

    public static StackConfigFile Load(ProjectFile project, string stack)
    {
        var path = System.IO.Path.Combine(project.Directory, $"Pulumi.{stack}.yaml");
        var document = File.Exists(path) ? YamlToJson.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        return new StackConfigFile(path, document);
    }

    /// <summary>Namespaced keys (<c>platform:image-tag</c>) to plaintext values.</summary>
    public IReadOnlyDictionary<string, string> Values =>
        (_document["config"] as JsonObject ?? []).Where(pair => pair.Value is JsonValue)
            .ToDictionary(pair => pair.Key, pair => pair.Value!.ToString(), StringComparer.Ordinal);

    public string? EncryptionSalt => _document["encryptionsalt"]?.ToString();

    public void SetEncryptionSalt(string salt) => _document["encryptionsalt"] = salt;

    public void Set(string namespacedKey, string value)
    {
        if (_document["config"] is not JsonObject config)
        {
            config = [];
            _document["config"] = config;
        }

        config[namespacedKey] = value;
    }

    public void Save()
    {
        var serializer = new SerializerBuilder().Build();
        File.WriteAllText(Path, serializer.Serialize(ToPlain(_document)));
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        JsonObject map => map.ToDictionary(pair => pair.Key, pair => ToPlain(pair.Value)),
        JsonArray list => list.Select(ToPlain).ToList(),
        null => null,
        _ => node.ToString(),
    };
}
