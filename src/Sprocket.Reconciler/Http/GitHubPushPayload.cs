using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// The fields of a GitHub <c>push</c> delivery the webhook acts on. GitHub sends the same JSON either as the body
/// (content type <c>application/json</c>) or as the form field <c>payload</c> (<c>application/x-www-form-urlencoded</c>,
/// the default when a webhook is created in the UI).
/// </summary>
public sealed record GitHubPushPayload(string Ref, string RepositoryFullName, bool Deleted)
{
    public const string JsonMediaType = "application/json";
    public const string FormMediaType = "application/x-www-form-urlencoded";

    /// <summary>Reads a push from the signed body. Anything GitHub would not send gives a problem to answer 400 with,
    /// an unknown content type one to answer 415 with.</summary>
    /// <remarks>The body may be in pieces, as the webhook keeps it; a form field across a join is copied whole.</remarks>
    public static GitHubPushReading Read(string? contentType, ReadOnlySequence<byte> body)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
        if (string.Equals(mediaType, FormMediaType, StringComparison.OrdinalIgnoreCase))
        {
            var fields = FormUrlEncoded.TryParse(body, out var problem);
            if (fields is null) return new GitHubPushReading.Malformed(problem!);
            var payloads = fields.Where(f => f.Key == "payload").ToArray();
            return payloads.Length switch
            {
                0 => new GitHubPushReading.Malformed("the form has no 'payload' field (GitHub puts the JSON there)"),
                1 => ReadJson(new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(payloads[0].Value))),
                _ => new GitHubPushReading.Malformed("the form has more than one 'payload' field"),
            };
        }
        if (string.Equals(mediaType, JsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return ReadJson(body);
        }
        return new GitHubPushReading.UnsupportedMediaType(
            $"content type '{mediaType ?? "none"}' is not one GitHub sends: use {JsonMediaType} or {FormMediaType}");
    }

    private static GitHubPushReading ReadJson(ReadOnlySequence<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return new GitHubPushReading.Malformed($"the payload is not JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return new GitHubPushReading.Malformed($"the payload is a JSON {Kind(root)}, not the object GitHub sends");
            if (!root.TryGetProperty("ref", out var reference) || reference.ValueKind != JsonValueKind.String)
                return new GitHubPushReading.Malformed(reference.ValueKind == JsonValueKind.Undefined
                    ? "the push has no 'ref'"
                    : $"the push's 'ref' is a JSON {Kind(reference)}, not a string");
            if (!root.TryGetProperty("repository", out var repository) || repository.ValueKind != JsonValueKind.Object
                || !repository.TryGetProperty("full_name", out var fullName) || fullName.ValueKind != JsonValueKind.String)
                return new GitHubPushReading.Malformed("the push has no string 'repository.full_name'");
            var deleted = false;
            if (root.TryGetProperty("deleted", out var deletedValue))
            {
                if (deletedValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return new GitHubPushReading.Malformed($"the push's 'deleted' is a JSON {Kind(deletedValue)}, not a boolean");
                deleted = deletedValue.GetBoolean();
            }
            return new GitHubPushReading.Push(new GitHubPushPayload(reference.GetString()!, fullName.GetString()!, deleted));
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}

/// <summary>What <see cref="GitHubPushPayload.Read"/> made of a body.</summary>
public abstract record GitHubPushReading
{
    private GitHubPushReading()
    {
    }

    public sealed record Push(GitHubPushPayload Payload) : GitHubPushReading;

    public sealed record Malformed(string Problem) : GitHubPushReading;

    public sealed record UnsupportedMediaType(string Problem) : GitHubPushReading;
}
