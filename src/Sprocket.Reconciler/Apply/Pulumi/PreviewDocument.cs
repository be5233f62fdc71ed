using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The single JSON document <c>pulumi preview --json</c> prints (pulumi/pulumi pkg/display: PreviewDigest):
/// <c>steps[]</c> ({op, urn, newState/oldState{type,…}, diffReasons…}), <c>changeSummary</c> ({op: count}),
/// <c>diagnostics[]</c> ({urn, prefix, message, severity}). Every field is optional (the CLI omits empty ones)
/// and unknown fields are ignored.
/// </summary>
internal sealed record PreviewDocument(
    IReadOnlyDictionary<string, int> ChangeSummary,
    IReadOnlyList<PreviewStep> Steps,
    IReadOnlyList<PreviewDiagnostic> Diagnostics)
{
    public static PreviewDocument Parse(string json)
    {
        // Anything before the document (a stray line from a language host) is not JSON; the document starts at its brace.
        var start = json.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
            throw new FormatException("pulumi preview --json printed no JSON document.");
        using var document = JsonDocument.Parse(json.AsMemory(start), new JsonDocumentOptions { AllowTrailingCommas = false });
        var root = document.RootElement;

        var summary = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("changeSummary", out var changes) && changes.ValueKind == JsonValueKind.Object)
            foreach (var change in changes.EnumerateObject())
                if (change.Value.TryGetInt32(out var count))
                    summary[change.Name] = count;

        var steps = new List<PreviewStep>();
        if (root.TryGetProperty("steps", out var stepArray) && stepArray.ValueKind == JsonValueKind.Array)
            foreach (var step in stepArray.EnumerateArray())
            {
                var urn = Json.String(step, "urn") ?? "";
                var type = Json.String(step, "newState", "type") ?? Json.String(step, "oldState", "type") ?? Urn.Type(urn);
                steps.Add(new PreviewStep(Json.String(step, "op") ?? "", urn, type,
                    Json.String(step, "newState", "inputs", "name") ?? Json.String(step, "oldState", "inputs", "name"),
                    Json.String(step, "newState", "inputs", "taskSpec", "containerSpec", "image")));
            }

        var diagnostics = new List<PreviewDiagnostic>();
        if (root.TryGetProperty("diagnostics", out var diagnosticArray) && diagnosticArray.ValueKind == JsonValueKind.Array)
            foreach (var diagnostic in diagnosticArray.EnumerateArray())
                diagnostics.Add(new PreviewDiagnostic(
                    Json.String(diagnostic, "severity") ?? "", (Json.String(diagnostic, "message") ?? "").Trim(), Json.String(diagnostic, "urn")));

        return new PreviewDocument(summary, steps, diagnostics);
    }

    /// <summary>The form kept with the apply record: "op urn" per step, "severity: message" per diagnostic.</summary>
    public PreviewSummary ToSummary() => new(
        ChangeSummary,
        Steps.Select(step => $"{step.Op} {step.Urn}").ToList(),
        Diagnostics.Select(diagnostic => $"{diagnostic.Severity}: {diagnostic.Message}").ToList());
}

/// <summary>One planned step; <paramref name="ServiceName"/> and <paramref name="NewImage"/> are a docker service's
/// Swarm name and proposed image (null for other resources, or when the CLI did not say).</summary>
internal sealed record PreviewStep(string Op, string Urn, string Type, string? ServiceName = null, string? NewImage = null);

internal sealed record PreviewDiagnostic(string Severity, string Message, string? Urn);
