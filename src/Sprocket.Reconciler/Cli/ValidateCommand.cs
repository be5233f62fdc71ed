using System.CommandLine;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>validate FILE [--resolve]</c>: for the desired-state repository's own CI. Checks the schema and the tag
/// policy; with <c>--resolve</c> also that every managed service's <c>repository:tag</c> exists in its registry.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The desired-state file to check, e.g. desired-state.yaml." };
        var resolve = new Option<bool>("--resolve")
        {
            Description = "Also resolve every service's repository:tag in its registry (credentials from Reconciler:Registry configuration).",
        };
        var command = new Command("validate", "Validate a desired-state file: schema, tag policy and, with --resolve, registry resolution. " +
            "Exit 0 when valid, 2 otherwise; each error names file, line, column and field.")
        {
            file,
            resolve,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(file)!, result.GetValue(resolve), result.UnmatchedTokens.ToArray(), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo file, bool resolve, string[] configArgs, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await errors.WriteLineAsync($"{file.FullName}: file not found");
            return ExitCodes.InvalidOrUnreachable;
        }

        var shownName = file.Name == file.ToString() ? file.Name : file.ToString();
        var (parsed, unreadable) = await DesiredStateFile.ParseAsync(file, shownName, cancellationToken);
        if (parsed is null)
        {
            await errors.WriteLineAsync(DisplayText.Escape(unreadable!));
            return ExitCodes.InvalidOrUnreachable;
        }

        if (!parsed.IsValid)
        {
            // Each error is safe to print: the parser escapes control characters and cuts long values.
            foreach (var error in parsed.Errors) await errors.WriteLineAsync(error.ToString());
            await errors.WriteLineAsync(DisplayText.Escape($"{file}: {parsed.ErrorSummary}; file rejected"));
            return ExitCodes.InvalidOrUnreachable;
        }

        if (resolve && !await TagResolutionCheck.RunAsync(parsed.State, configArgs, output, errors, cancellationToken))
            return ExitCodes.InvalidOrUnreachable;

        var services = parsed.State.Stacks.Sum(s => s.Services.Length);
        await output.WriteLineAsync($"{file}: valid ({parsed.State.Stacks.Length} stack(s), {services} managed service(s){(resolve ? ", every tag resolves" : "")})");
        return ExitCodes.Ok;
    }
}
