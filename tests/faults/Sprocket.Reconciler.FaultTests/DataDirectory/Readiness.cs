using System.Net;
using System.Text.Json;
using Sprocket.Reconciler.IntegrationTests.Daemon;

namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>What <c>GET /readyz</c> answered: its status code and the problem it names.</summary>
internal sealed record Readiness(HttpStatusCode Code, string Status, string? Problem)
{
    public bool Ready => Code == HttpStatusCode.OK;

    public static async Task<Readiness> ReadAsync(DaemonProcess daemon)
    {
        using var response = await daemon.GetAsync("readyz");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var problem = root.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new Readiness(response.StatusCode, root.GetProperty("status").GetString() ?? "", problem);
    }

    public override string ToString() => $"{(int)Code} {Status}: {Problem}";
}
