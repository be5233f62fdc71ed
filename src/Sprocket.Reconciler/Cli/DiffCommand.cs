using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>diff</c>: one evaluation, printed. Desired comes from the configured git repository (or <c>--file</c>),
/// live from the Swarm. Exit 0 when every stack is synced, 3 when any is drifted or out of sync, 2 when the
/// input is invalid or a system is unreachable.
/// </summary>
public static class DiffCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the stack documents of GET /api/v1/stacks instead of a table." };
        var file = new Option<FileInfo?>("--file")
        {
            Description = "Read the desired state from this local file instead of the configured git repository.",
        };
        var command = new Command("diff", "Compare desired (git), applied and live (Swarm) once and print each service. " +
            "Exit 0 in sync, 3 drifted or out of sync, 2 invalid input or unreachable system.")
        {
            json,
            file,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(json), result.GetValue(file), result.UnmatchedTokens.ToArray(), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(bool json, FileInfo? file, string[] configArgs, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCheckedAsync(json, file, configArgs, output, errors, cancellationToken);
        }
        catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
        {
            return await ConfigurationProblem.ReportAsync(errors, problem);
        }
    }

    private static async Task<int> RunCheckedAsync(bool json, FileInfo? file, string[] configArgs, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(ConfigurationLayers.ForHost(configArgs));
        ConfigurationLayers.AddConfigurationDirectory(builder.Configuration);
        builder.Logging.QuietForCommandLine();
        if (ConfigurationCheck.FirstProblem(builder.Configuration, needsDataDirectory: true) is { } configurationProblem)
            return await ConfigurationProblem.ReportAsync(errors, configurationProblem);
        builder.Services.AddReconcilerObservation(builder.Configuration);
        using var host = builder.Build();
        // Every section is checked before any is used, as for run: with --file the repository is still read.
        host.Services.GetService<IStartupValidator>()?.Validate();
        var store = host.Services.GetRequiredService<StatusStore>();

        if (file is not null)
        {
            var (parsed, unreadable) = await DesiredStateFile.ParseAsync(file, file.ToString(), cancellationToken);
            if (parsed is null || !parsed.IsValid)
            {
                if (unreadable is not null) await errors.WriteLineAsync(DisplayText.Escape(unreadable));
                foreach (var error in parsed?.Errors ?? []) await errors.WriteLineAsync(error.ToString());
                return ExitCodes.InvalidOrUnreachable;
            }
            store.Update(s => s with { Desired = new DesiredSnapshot(parsed.State, "local-file", file.ToString()) });
        }
        else
        {
            await host.Services.GetRequiredService<DesiredStateTracker>().RefreshAsync(ReconcileTrigger.Api, cancellationToken);
            if (store.Current.DesiredProblem is { } problem)
            {
                await errors.WriteLineAsync($"desired state {problem.Kind.Spell()}: {problem.Message}");
                return ExitCodes.InvalidOrUnreachable;
            }
        }

        await ObserveOnceAsync(host.Services, store, cancellationToken);
        var current = store.Current;
        if (current.DockerProblem is { } docker)
        {
            await errors.WriteLineAsync(docker);
            return ExitCodes.InvalidOrUnreachable;
        }

        var documents = current.Stacks.Select(s => StackDocument.From(s, current)).ToList();
        if (json) await output.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<StackDocument>>(documents, JsonContext.Default.IReadOnlyListStackDocument));
        else await output.WriteAsync(DiffTable.Render(documents));

        return documents.Any(d => d.Status == StackStatus.Invalid.Spell()) ? ExitCodes.InvalidOrUnreachable
            : documents.All(d => d.Status == StackStatus.Synced.Spell()) ? ExitCodes.Ok
            : ExitCodes.Drifted;
    }

    /// <summary>
    /// One observation and classification, published without deciding anything: <c>diff</c> shows what is, not what the
    /// daemon would do. It has no later pass, so it asks every engine for its applied tag first and waits for the answers.
    /// </summary>
    private static async Task ObserveOnceAsync(IServiceProvider services, StatusStore store, CancellationToken cancellationToken)
    {
        var desired = store.Current.Desired!;
        var engines = services.GetRequiredService<ApplyEngines>();
        var history = services.GetRequiredService<ApplyHistory>();
        var applied = new System.Collections.Concurrent.ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(desired.State.Stacks, cancellationToken, async (stack, ct) =>
        {
            try
            {
                if (engines.For(stack) is { } engine) applied[stack.Name] = await engine.ReadAppliedTagAsync(stack, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unknown is a valid answer: the classifier then decides from the previous spec.
            }
        });
        var at = TimeProvider.System.GetUtcNow();
        try
        {
            var observed = await services.GetRequiredService<LiveObservation>().ObserveAsync(desired.State,
                stack => applied.GetValueOrDefault(stack.Name)
                    ?? history.Recent(stack.Name, 20).FirstOrDefault(r => r.Outcome == nameof(Core.Policy.ApplyOutcome.Succeeded))?.Tag,
                cancellationToken);
            store.Update(s => s with { Stacks = observed.Stacks, Evaluated = desired, Last = new LastEvaluation(at, ReconcileTrigger.Api, ReconcileOutcome.Observed, "") });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            store.Update(s => s with { DockerProblem = "Docker engine unreachable: " + ex.Message });
        }
    }
}
