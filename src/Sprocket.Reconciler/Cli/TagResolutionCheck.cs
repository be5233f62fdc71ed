using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>validate --resolve</c>: every managed service's <c>repository:imageTag</c> must exist in its registry,
/// because one config key pins all services and CI may have pushed the tag for only some of them.
/// </summary>
public static class TagResolutionCheck
{
    public static async Task<bool> RunAsync(DesiredState desired, string[] configArgs, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCheckedAsync(desired, configArgs, output, errors, cancellationToken);
        }
        catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
        {
            await ConfigurationProblem.ReportAsync(errors, problem);
            return false;
        }
    }

    private static async Task<bool> RunCheckedAsync(DesiredState desired, string[] configArgs, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(ConfigurationLayers.ForHost(configArgs));
        ConfigurationLayers.AddConfigurationDirectory(builder.Configuration);
        builder.Logging.QuietForCommandLine();
        if (ConfigurationCheck.FirstProblem(builder.Configuration, needsDataDirectory: false) is { } problem)
        {
            await ConfigurationProblem.ReportAsync(errors, problem);
            return false;
        }
        builder.Services.AddRegistry(builder.Configuration);
        using var host = builder.Build();
        var registry = host.Services.GetRequiredService<IRegistryClient>();

        var ok = true;
        foreach (var (stack, stackIndex) in desired.Stacks.Select((s, i) => (s, i)))
        {
            foreach (var (service, serviceIndex) in stack.Services.Select((s, i) => (s, i)))
            {
                var resolution = await registry.ResolveAsync(service.Repository, stack.ImageTag, cancellationToken);
                var field = $"stacks[{stackIndex}].services[{serviceIndex}]";
                if (resolution.IsResolved)
                {
                    await output.WriteLineAsync($"{field}: {service.Repository}:{stack.ImageTag} -> {resolution.Digest}");
                    continue;
                }
                ok = false;
                await errors.WriteLineAsync($"{field}: {service.Repository}:{stack.ImageTag} does not resolve ({resolution.Failure}): {resolution.Message}");
            }
        }
        return ok;
    }
}
