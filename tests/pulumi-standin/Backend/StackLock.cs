using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Backend;

/// <summary>
/// The DIY backend's stack lock: a <c>&lt;uuid&gt;.json</c> file {pid, username, hostname, timestamp} held for
/// the duration of an update or refresh. Any other lock file of the stack is a conflict, reported with the
/// real CLI's text and one line per foreign lock.
/// </summary>
public sealed class StackLock : IDisposable
{
    private readonly string _path;

    private StackLock(string path) => _path = path;

    public string LockPath => _path;

    public static StackLock Acquire(FileBackend backend, string project, string stack, bool simulateForeignLock)
    {
        var directory = backend.LockDirectory(project, stack);
        Directory.CreateDirectory(directory);
        var foreign = Directory.GetFiles(directory, "*.json").ToList();
        if (simulateForeignLock || foreign.Count > 0)
        {
            throw new CliException(ConflictMessage(backend, project, stack, foreign, simulateForeignLock));
        }

        var lockPath = Path.Combine(directory, Guid.NewGuid().ToString() + ".json");
        var content = new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["username"] = Environment.UserName,
            ["hostname"] = Environment.MachineName,
            ["timestamp"] = backend.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        File.WriteAllText(lockPath, content.ToJsonString());

        // Check again after writing, as the real backend does: two racing processes both back off.
        var others = Directory.GetFiles(directory, "*.json").Where(file => file != lockPath).ToList();
        if (others.Count > 0)
        {
            File.Delete(lockPath);
            throw new CliException(ConflictMessage(backend, project, stack, others, simulated: false));
        }

        return new StackLock(lockPath);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // `pulumi cancel` may have removed it already.
        }
    }

    private static string ConflictMessage(FileBackend backend, string project, string stack, IReadOnlyList<string> files, bool simulated)
    {
        var lines = files.Select(file => Describe(backend, file)).ToList();
        if (simulated && lines.Count == 0)
        {
            var fake = Path.Combine(backend.LockDirectory(project, stack), "00000000-0000-4000-8000-000000000000.json");
            lines.Add($"{backend.Url}/{Path.GetRelativePath(backend.Root, fake)}: created by ci@other-host (pid 4242) at " +
                      backend.Clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        }

        return $"the stack is currently locked by {lines.Count} lock(s). Either wait for the other process(es) to end " +
               "or delete the lock file with `pulumi cancel`." + string.Concat(lines.Select(line => "\n  " + line));
    }

    private static string Describe(FileBackend backend, string file)
    {
        var relative = Path.GetRelativePath(backend.Root, file);
        try
        {
            var content = JsonNode.Parse(File.ReadAllText(file));
            var timestamp = DateTimeOffset.TryParse(content?["timestamp"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var parsed)
                ? parsed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
                : "";
            return $"{backend.Url}/{relative}: created by {content?["username"]}@{content?["hostname"]} (pid {content?["pid"]}) at {timestamp}";
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException)
        {
            return $"{backend.Url}/{relative}";
        }
    }
}
