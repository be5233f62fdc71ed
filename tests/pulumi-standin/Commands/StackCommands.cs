using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Backend;
using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Workspace;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>`pulumi stack init|select|ls|history|export`.</summary>
public static class StackCommands
{
    public static int Run(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var subcommand = arguments.Words.ElementAtOrDefault(1);
        return subcommand switch
        {
            "init" => Init(arguments, workDirectory, clock, stdout),
            "select" => Select(arguments, workDirectory, clock),
            "ls" => List(arguments, workDirectory, clock, stdout),
            "history" or "hist" => History(arguments, workDirectory, clock, stdout),
            "export" => Export(arguments, workDirectory, clock, stdout),
            null => throw new CliException("the stand-in needs a stack subcommand: init, select, ls, history, export"),
            _ => throw new CliException($"unknown command \"{subcommand}\" for \"pulumi stack\""),
        };
    }

    private static int Init(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var project = ProjectFile.Find(workDirectory);
        var backend = FileBackend.FromEnvironment(clock);
        var stack = StackContext.Parse(arguments.Value("stack") ?? arguments.Words.ElementAtOrDefault(2)
            ?? throw new CliException("missing stack name: pass it as an argument or with --stack"), project);
        Create(project, backend, stack);
        stdout.WriteLine($"Created stack '{stack}'");
        return 0;
    }

    private static int Select(ParsedArguments arguments, string workDirectory, TimeProvider clock)
    {
        var project = ProjectFile.Find(workDirectory);
        var backend = FileBackend.FromEnvironment(clock);
        var stack = StackContext.Parse(arguments.Value("stack") ?? arguments.Words.ElementAtOrDefault(2)
            ?? throw new CliException("no stack selected; please use `pulumi stack select` or `pulumi stack init` to choose one", ExitCodes.StackNotFound), project);
        if (!backend.StackExists(project.Name, stack))
        {
            if (!arguments.IsSet("create")) throw new CliException($"no stack named '{stack}' found", ExitCodes.StackNotFound);
            Create(project, backend, stack);
        }

        CurrentStackStore.Write(project, stack);
        return 0;
    }

    /// <summary>Creating a passphrase-secured stack writes its <c>encryptionsalt</c> to Pulumi.&lt;stack&gt;.yaml.</summary>
    private static void Create(ProjectFile project, FileBackend backend, string stack)
    {
        StackContext.RequirePassphrase();
        backend.CreateStack(project.Name, stack);
        var config = StackConfigFile.Load(project, stack);
        if (config.EncryptionSalt is null)
        {
            config.SetEncryptionSalt("v1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(8)) + ":v1:" +
                                     Convert.ToBase64String(RandomNumberGenerator.GetBytes(28)));
            config.Save();
        }

        CurrentStackStore.Write(project, stack);
    }

    private static int List(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var project = ProjectFile.Find(workDirectory);
        var backend = FileBackend.FromEnvironment(clock);
        var current = CurrentStackStore.Read(project);
        var stacks = new JsonArray();
        foreach (var name in backend.ListStacks(project.Name))
        {
            var summary = new JsonObject { ["name"] = name, ["current"] = name == current };
            var last = backend.ReadHistory(project.Name, name).FirstOrDefault();
            if (last is not null)
            {
                summary["lastUpdate"] = DateTimeOffset.FromUnixTimeSeconds(last.EndTime).UtcDateTime
                    .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }

            summary["updateInProgress"] = backend.IsLocked(project.Name, name);
            var state = backend.ReadState(project.Name, name);
            if (state.HasDeployment) summary["resourceCount"] = state.ToDeployment(clock)["resources"]!.AsArray().Count;
            stacks.Add(summary);
        }

        if (arguments.IsSet("json"))
        {
            stdout.WriteLine(stacks.ToJsonString(Json.Indented));
        }
        else
        {
            stdout.WriteLine("NAME  LAST UPDATE  RESOURCE COUNT");
            foreach (var stack in stacks) stdout.WriteLine($"{stack!["name"]}{(stack["current"]!.GetValue<bool>() ? "*" : "")}");
        }

        return 0;
    }

    private static int History(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        var pageSize = arguments.IntValue("page-size", 10);
        var page = Math.Max(1, arguments.IntValue("page", 1));
        IEnumerable<UpdateRecord> updates = context.Backend.ReadHistory(context.Project.Name, context.Stack);
        if (pageSize > 0) updates = updates.Skip((page - 1) * pageSize).Take(pageSize);
        var records = updates.ToList();
        if (arguments.IsSet("json"))
        {
            stdout.WriteLine(new JsonArray(records.Select(record => (JsonNode?)record.ToHistoryJson()).ToArray()).ToJsonString(Json.Indented));
            return 0;
        }

        if (records.Count == 0) stdout.WriteLine("Stack has never been updated");
        foreach (var record in records)
        {
            stdout.WriteLine($"Version: {record.Version}\nUpdateKind: {record.Kind}\nStatus: {record.Result}\nMessage: {record.Message}\n");
        }

        return 0;
    }

    private static int Export(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        var state = context.Backend.ReadState(context.Project.Name, context.Stack);
        state.Salt ??= context.Config.EncryptionSalt;
        var document = new JsonObject { ["version"] = 3, ["deployment"] = state.ToDeployment(clock) };
        stdout.WriteLine(document.ToJsonString(Json.Indented));
        return 0;
    }
}
