using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Backend;

/// <summary>
/// The resources of a stack's latest deployment (apitype DeploymentV3): the root <c>pulumi:pulumi:Stack</c>,
/// the default docker provider, then one <c>docker:index/service:Service</c> per service, each a ResourceV3
/// object {urn, custom, id, type, inputs, outputs, parent, provider}.
/// </summary>
public sealed class StackState
{
    public const string ServiceType = "docker:index/service:Service";
    private const string ProviderVersion = "4.5.0";

    private readonly List<JsonObject> _resources;

    private StackState(string project, string stack, List<JsonObject> resources, List<JsonObject> pending, string? salt)
    {
        Project = project;
        Stack = stack;
        _resources = resources;
        PendingOperations = pending;
        Salt = salt;
    }

    /// <summary>
    /// apitype DeploymentV3 <c>pending_operations</c> (OperationV2 {resource, type}; type <c>creating</c>,
    /// <c>updating</c>…): a step the engine began and has not ended. The journal persists the begin before the provider
    /// is called, so a CLI killed mid-step leaves it behind (pulumi/pulumi: pkg/backend/snapshot.go, sdk/go/common/apitype/core.go).
    /// </summary>
    public List<JsonObject> PendingOperations { get; private set; }

    /// <summary>Records a step's begin (see <see cref="PendingOperations"/>).</summary>
    public void BeginOperation(JsonObject resource, string type) =>
        PendingOperations.Add(new JsonObject { ["resource"] = resource.DeepClone(), ["type"] = type });

    /// <summary>A step ended (either way): its pending operation goes.</summary>
    public void EndOperation(string urn) =>
        PendingOperations.RemoveAll(operation => operation["resource"]?["urn"]?.ToString() == urn);

    /// <summary>
    /// What the next snapshot keeps of a previous deployment's pending operations: only the creates, which "must require
    /// user intervention to be cleared or resolved" (pulumi/pulumi pkg/backend/snapshot.go, snap()); the rest are dropped.
    /// </summary>
    public void KeepOnlyPendingCreates(IReadOnlyList<JsonObject> previous)
    {
        PendingOperations = [.. previous.Where(operation => operation["type"]?.ToString() == "creating").Select(operation => operation.DeepClone().AsObject())];
    }

    public string Project { get; }

    public string Stack { get; }

    public string? Salt { get; set; }

    public bool HasDeployment => _resources.Count > 0;

    public string StackUrn => $"urn:pulumi:{Stack}::{Project}::pulumi:pulumi:Stack::{Project}-{Stack}";

    public string ProviderUrn => $"urn:pulumi:{Stack}::{Project}::pulumi:providers:docker::default_{ProviderVersion.Replace('.', '_')}";

    public string ServiceUrn(string logicalName) => $"urn:pulumi:{Stack}::{Project}::{ServiceType}::{logicalName}";

    /// <summary>The provider reference resources carry: provider URN :: provider id.</summary>
    public string ProviderReference => ProviderUrn + "::" + (Find(ProviderUrn)?["id"]?.ToString() ?? "04da6b54-80e4-46f7-96ec-b56ff0331ba9");

    public IEnumerable<JsonObject> Services => _resources.Where(resource => resource["type"]?.ToString() == ServiceType);

    public JsonObject? Find(string urn) => _resources.FirstOrDefault(resource => resource["urn"]?.ToString() == urn);

    public static StackState FromDeployment(string project, string stack, JsonObject? deployment)
    {
        var list = (deployment?["resources"] as JsonArray ?? []).OfType<JsonObject>().Select(resource => resource.DeepClone().AsObject()).ToList();
        var pending = (deployment?["pending_operations"] as JsonArray ?? []).OfType<JsonObject>().Select(operation => operation.DeepClone().AsObject()).ToList();
        var salt = deployment?["secrets_providers"]?["state"]?["salt"]?.ToString();
        return new StackState(project, stack, list, pending, salt);
    }

    /// <summary>Adds the root stack and the default provider if this is the first deployment.</summary>
    public void EnsureRootResources(TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (Find(StackUrn) is null)
        {
            _resources.Insert(0, new JsonObject
            {
                ["urn"] = StackUrn, ["custom"] = false, ["type"] = "pulumi:pulumi:Stack",
                ["created"] = now, ["modified"] = now,
            });
        }

        if (Find(ProviderUrn) is null)
        {
            _resources.Insert(1, new JsonObject
            {
                ["urn"] = ProviderUrn, ["custom"] = true, ["id"] = Guid.NewGuid().ToString(), ["type"] = "pulumi:providers:docker",
                ["inputs"] = new JsonObject { ["version"] = ProviderVersion },
                ["outputs"] = new JsonObject { ["version"] = ProviderVersion },
                ["created"] = now, ["modified"] = now,
            });
        }
    }

    public void Upsert(JsonObject resource)
    {
        var index = _resources.FindIndex(existing => existing["urn"]?.ToString() == resource["urn"]?.ToString());
        if (index >= 0) _resources[index] = resource;
        else _resources.Add(resource);
    }

    public void Remove(string urn) => _resources.RemoveAll(resource => resource["urn"]?.ToString() == urn);

    public JsonObject ToDeployment(TimeProvider clock)
    {
        var deployment = Deployment(clock);
        // omitempty, as in DeploymentV3.
        if (PendingOperations.Count > 0)
            deployment["pending_operations"] = new JsonArray(PendingOperations.Select(operation => (JsonNode?)operation.DeepClone()).ToArray());
        return deployment;
    }

    private JsonObject Deployment(TimeProvider clock) => new()
    {
        ["manifest"] = new JsonObject
        {
            ["time"] = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["magic"] = "",
            ["version"] = "v3.150.0",
        },
        ["secrets_providers"] = new JsonObject
        {
            ["type"] = "passphrase",
            ["state"] = new JsonObject { ["salt"] = Salt ?? "" },
        },
        ["resources"] = new JsonArray(_resources.Select(resource => (JsonNode?)resource.DeepClone()).ToArray()),
    };

    /// <summary>The image a service resource records: <c>inputs.taskSpec.containerSpec.image</c>.</summary>
    public static string? ImageOf(JsonObject? resource) =>
        resource?["inputs"]?["taskSpec"]?["containerSpec"]?["image"]?.ToString();
}
