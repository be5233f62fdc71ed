using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Backend;

/// <summary>
/// Pulumi's DIY file backend layout under the PULUMI_BACKEND_URL folder (project-scoped, meta.yaml version 1):
/// <c>.pulumi/stacks/&lt;project&gt;/&lt;stack&gt;.json</c>, <c>.pulumi/history/&lt;project&gt;/&lt;stack&gt;/</c>,
/// <c>.pulumi/locks/organization/&lt;project&gt;/&lt;stack&gt;/&lt;id&gt;.json</c>.
/// </summary>
public sealed class FileBackend(string root, TimeProvider clock)
{
    public string Root { get; } = root;

    public TimeProvider Clock { get; } = clock;

    public string Url => "file://" + Root;

    public static FileBackend FromEnvironment(TimeProvider clock)
    {
        var url = Environment.GetEnvironmentVariable("PULUMI_BACKEND_URL");
        if (string.IsNullOrEmpty(url))
        {
            // What the real CLI says when it falls back to Pulumi Cloud without a token.
            throw new CliException("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions", ExitCodes.Authentication);
        }

        if (!url.StartsWith("file://", StringComparison.Ordinal))
        {
            throw new CliException($"the Pulumi stand-in supports only the file:// backend, not '{url}'");
        }

        var path = url["file://".Length..];
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~', '/'));
        }

        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.Combine(fullPath, ".pulumi"));
        var meta = Path.Combine(fullPath, ".pulumi", "meta.yaml");
        if (!File.Exists(meta)) File.WriteAllText(meta, "version: 1\n");
        return new FileBackend(fullPath, clock);
    }

    public string StatePath(string project, string stack) => Path.Combine(Root, ".pulumi", "stacks", project, stack + ".json");

    public string HistoryDirectory(string project, string stack) => Path.Combine(Root, ".pulumi", "history", project, stack);

    public string LockDirectory(string project, string stack) =>
        Path.Combine(Root, ".pulumi", "locks", "organization", project, stack);

    public bool StackExists(string project, string stack) => File.Exists(StatePath(project, stack));

    public IReadOnlyList<string> ListStacks(string project)
    {
        var directory = Path.Combine(Root, ".pulumi", "stacks", project);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
    }

    public void CreateStack(string project, string stack)
    {
        if (StackExists(project, stack)) throw new CliException($"stack '{stack}' already exists");
        WriteCheckpoint(project, stack, null);
    }

    /// <summary>The latest deployment, or null for a stack that was never updated.</summary>
    public StackState ReadState(string project, string stack)
    {
        var checkpoint = JsonNode.Parse(File.ReadAllText(StatePath(project, stack)))?["checkpoint"];
        return StackState.FromDeployment(project, stack, checkpoint?["latest"] as JsonObject);
    }

    public void WriteState(string project, string stack, StackState state) =>
        WriteCheckpoint(project, stack, state.ToDeployment(Clock));

    private void WriteCheckpoint(string project, string stack, JsonObject? deployment)
    {
        var path = StatePath(project, stack);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var document = new JsonObject
        {
            ["version"] = 3,
            ["checkpoint"] = new JsonObject
            {
                ["stack"] = $"organization/{project}/{stack}",
                ["latest"] = deployment,
            },
        };
        // Write-then-rename, so a crash mid-write never leaves a torn state file.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString(Json.Indented));
        File.Move(temporary, path, overwrite: true);
    }

    public StackLock AcquireLock(string project, string stack, bool simulateForeignLock) =>
        StackLock.Acquire(this, project, stack, simulateForeignLock);

    /// <summary>`pulumi cancel` on the file backend: deletes every lock file of the stack.</summary>
    public int RemoveLocks(string project, string stack)
    {
        var directory = LockDirectory(project, stack);
        if (!Directory.Exists(directory)) return 0;
        var files = Directory.GetFiles(directory, "*.json");
        foreach (var file in files) File.Delete(file);
        return files.Length;
    }

    public bool IsLocked(string project, string stack) =>
        Directory.Exists(LockDirectory(project, stack)) && Directory.GetFiles(LockDirectory(project, stack), "*.json").Length > 0;

    public void AppendHistory(string project, string stack, UpdateRecord record, StackState state)
    {
        var directory = HistoryDirectory(project, stack);
        Directory.CreateDirectory(directory);
        // Unix nanoseconds, as the real backend names history files.
        var stamp = (Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        File.WriteAllText(Path.Combine(directory, $"{stack}-{stamp}.history.json"), record.ToStoredJson().ToJsonString(Json.Indented));
        var checkpoint = new JsonObject
        {
            ["version"] = 3,
            ["checkpoint"] = new JsonObject { ["stack"] = $"organization/{project}/{stack}", ["latest"] = state.ToDeployment(Clock) },
        };
        File.WriteAllText(Path.Combine(directory, $"{stack}-{stamp}.checkpoint.json"), checkpoint.ToJsonString(Json.Indented));
    }

    /// <summary>Stored updates, newest first, each with its 1-based version (oldest = 1).</summary>
    public IReadOnlyList<UpdateRecord> ReadHistory(string project, string stack)
    {
        var directory = HistoryDirectory(project, stack);
        if (!Directory.Exists(directory)) return [];
        var files = Directory.GetFiles(directory, "*.history.json")
            .OrderBy(file => file.Length).ThenBy(file => file, StringComparer.Ordinal).ToList();
        return files.Select((file, index) => UpdateRecord.FromStoredJson(JsonNode.Parse(File.ReadAllText(file))!.AsObject(), index + 1))
            .Reverse().ToList();
    }
}
