using System.Text.Json.Nodes;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>A request as the stand-in server received it, with header names case-insensitive as HTTP defines them.</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    string RawQuery,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Path}{RawQuery} {Body}";
}

internal static class RecordingServer
{
    /// <summary>The requests received so far, oldest first.</summary>
    public static IReadOnlyList<RecordedRequest> Requests(this WireMockServer server) =>
        server.LogEntries
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => e.RequestMessage)
            .Select(m => new RecordedRequest(
                m.Method,
                m.Path,
                m.RawQuery ?? "",
                (m.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
                    .ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value)),
                (m.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
                    .ToDictionary(kv => kv.Key, kv => string.Join(", ", kv.Value), StringComparer.OrdinalIgnoreCase),
                m.Body ?? ""))
            .ToArray();

    public static Task<IReadOnlyList<RecordedRequest>> WaitForRequests(this WireMockServer server, int count, string what) =>
        Eventually.UntilValue(
            () => Task.FromResult(server.Requests()),
            requests => requests.Count >= count,
            TimeSpan.FromSeconds(20),
            what);
}

internal static class JsonAssert
{
    /// <summary>Structural equality: same members and values, member order ignored, array order kept.</summary>
    public static void Equal(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        JsonNode? actualNode;
        try
        {
            actualNode = JsonNode.Parse(actual);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"The body is not JSON ({e.Message}): {actual}");
        }
        if (!JsonNode.DeepEquals(expectedNode, actualNode))
        {
            throw new Xunit.Sdk.XunitException(
                $"JSON differs.\nExpected: {expectedNode?.ToJsonString()}\nActual:   {actualNode?.ToJsonString()}");
        }
    }
}
