using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Commands;

// A stand-in for the Pulumi CLI: see README.md for what it honours and what it simplifies.
var clock = TimeProvider.System;
var stdout = Console.Out;
var stderr = Console.Error;
var workDirectory = Directory.GetCurrentDirectory();
var recorded = false;

void Record(int exitCode)
{
    if (recorded) return;
    recorded = true;
    CallRecorder.Record(args, workDirectory, exitCode);
}

CallRecorder.RecordStart(args);
int exitCode;
try
{
    var arguments = ArgumentParser.Parse(args);
    if (arguments.Value("cwd") is { } cwd)
    {
        workDirectory = Path.GetFullPath(cwd, workDirectory);
        if (!Directory.Exists(workDirectory)) throw new CliException($"changing the working directory: chdir {cwd}: no such file or directory");
    }

    // The crash and hard-terminate paths exit without returning here; they record the call first.
    void RecordKilled() => Record(ExitCodes.Killed);

    // SPROCKET_STANDIN_HISTORY_KILLED_WHILE=FILE: `stack history` is SIGKILLed (the OOM killer) before it answers.
    if (arguments.Words is ["stack", "history" or "hist", ..]
        && Environment.GetEnvironmentVariable("SPROCKET_STANDIN_HISTORY_KILLED_WHILE") is { Length: > 0 } killedWhile && File.Exists(killedWhile))
    {
        RecordKilled();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    exitCode = arguments.Words.FirstOrDefault() switch
    {
        "version" => MiscCommands.PrintVersion(stdout),
        "install" => MiscCommands.Install(),
        "cancel" => MiscCommands.Cancel(arguments, workDirectory, clock, stdout),
        "stack" => StackCommands.Run(arguments, workDirectory, clock, stdout),
        "config" => ConfigCommands.Run(arguments, workDirectory, clock, stdout),
        "preview" or "pre" => await DeployCommands.PreviewAsync(arguments, workDirectory, clock, stdout),
        "up" or "update" => await DeployCommands.UpAsync(arguments, workDirectory, clock, stdout, stderr, RecordKilled),
        "refresh" => await DeployCommands.RefreshAsync(arguments, workDirectory, clock, stdout, stderr, RecordKilled),
        null => throw new CliException("the stand-in needs a command (see tests/pulumi-standin/README.md)"),
        // rattler's unknownCommandError (v3.259.0 pkg/cmd/pulumi/rattler/rattler.go), minus its "Did you mean
        // this?" suggestions; a plain error, so exit 1.
        var unknown => throw new CliException($"unknown command \"{unknown}\" for \"pulumi\"\nRun 'pulumi --help' for usage."),
    };
}
catch (CliException exception)
{
    stderr.WriteLine($"error: {exception.Message}");
    exitCode = exception.ExitCode;
}
catch (Exception exception) when (exception is Docker.DotNet.DockerApiException or HttpRequestException or IOException or TimeoutException)
{
    // What the real CLI does with an unexpected provider or I/O error: print it, exit 1 (ExitCodeError).
    stderr.WriteLine($"error: {exception.Message}");
    exitCode = ExitCodes.Error;
}

stdout.Flush();
stderr.Flush();
Record(exitCode);
return exitCode;
