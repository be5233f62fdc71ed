using System.Diagnostics;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// Runs the Pulumi CLI the way the Automation API does (sdk/go/auto/cmd.go): by name, resolved on the PATH
/// the child gets; in the program's work dir; always <c>--non-interactive</c>; stdin closed so nothing can
/// prompt; stdout and stderr captured. Environment values are never logged and are scrubbed from any text
/// this component hands out.
/// </summary>
internal sealed class PulumiCli(IOptions<PulumiOptions> options, ILogger<PulumiCli> logger, TimeProvider timeProvider)
{
    public const string NonInteractive = "--non-interactive";

    private PulumiOptions Options => options.Value;

    public string Scrub(string text) => SecretScrubber.Scrub(text, PulumiProcessEnvironment.SecretValues(Options));

    /// <summary>
    /// Runs a short command to completion. Cancellation or <see cref="PulumiOptions.CommandTimeout"/> kills it:
    /// only use this for commands that hold no stack lock (never <c>up</c>; see <see cref="Start"/>).
    /// Cancellation throws <see cref="OperationCanceledException"/>; a timeout returns a result with TimedOut.
    /// </summary>
    public async Task<PulumiCliResult> RunAsync(string workDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var run = Start(workDirectory, arguments);
        using var timeout = new CancellationTokenSource(Options.CommandTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await run.Completion.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            run.Kill();
            var partial = await run.Completion;
            cancellationToken.ThrowIfCancellationRequested();
            return partial with { TimedOut = true };
        }
    }

    /// <summary>Starts a command and hands its control to the caller (used for <c>up</c>).</summary>
    public PulumiRun Start(string workDirectory, IReadOnlyList<string> arguments)
    {
        var environment = PulumiProcessEnvironment.Build(
            System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Select(entry => new KeyValuePair<string, string?>((string)entry.Key, entry.Value as string)),
            Options);
        var executable = PulumiProcessEnvironment.ResolveExecutable(Options.Binary, environment.GetValueOrDefault("PATH"))
            ?? throw new PulumiCliUnavailableException(
                $"The Pulumi CLI '{Options.Binary}' ({PulumiOptions.SectionName}:Binary) was not found on PATH.");

        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in WithNonInteractive(arguments))
            startInfo.ArgumentList.Add(argument);
        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
            startInfo.Environment[name] = value;

        Log.RunningCommand(logger, string.Join(' ', startInfo.ArgumentList), workDirectory);
        var started = timeProvider.GetTimestamp();
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception problem) when (problem is System.ComponentModel.Win32Exception or IOException)
        {
            process.Dispose();
            throw new PulumiCliUnavailableException($"The Pulumi CLI '{executable}' could not be started: {problem.Message}", problem);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return new PulumiRun(process, CompleteAsync(process, stdout, stderr, started, arguments));
    }

    private async Task<PulumiCliResult> CompleteAsync(Process process, Task<string> stdout, Task<string> stderr, long started, IReadOnlyList<string> arguments)
    {
        await process.WaitForExitAsync();
        var result = new PulumiCliResult(process.ExitCode, await stdout, await stderr, timeProvider.GetElapsedTime(started));
        Log.CommandFinished(logger, Verb(arguments), result.ExitCode, result.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>
    /// Adds <c>--non-interactive</c> unless present, as the Automation API's withNonInteractiveArg — but before a
    /// <c>--</c>, after which it would be taken as a value (<c>config set KEY … -- VALUE</c>).
    /// </summary>
    public static IReadOnlyList<string> WithNonInteractive(IReadOnlyList<string> arguments)
    {
        var endOfFlags = arguments.ToList().IndexOf("--");
        var flags = endOfFlags < 0 ? arguments : arguments.Take(endOfFlags).ToList();
        if (flags.Contains(NonInteractive))
            return arguments;
        return endOfFlags < 0
            ? [.. arguments, NonInteractive]
            : [.. arguments.Take(endOfFlags), NonInteractive, .. arguments.Skip(endOfFlags)];
    }

    /// <summary>The command words before the first flag ("stack history"), for logs.</summary>
    public static string Verb(IReadOnlyList<string> arguments) =>
        string.Join(' ', arguments.TakeWhile(argument => !argument.StartsWith('-')));
}
