using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Sprocket.Reconciler.Hosting;
using YamlDotNet.RepresentationModel;

namespace Sprocket.Reconciler.Host.Tests.Deploy;

/// <summary>
/// The shipped stack file must give the daemon longer to stop than the daemon gives an apply in flight: Swarm
/// SIGKILLs the task after <c>stop_grace_period</c>, and a SIGKILL during <c>pulumi up</c> leaves a stack lock that
/// needs a human. No Swarm needed: it compares the two files' numbers.
/// </summary>
public sealed partial class StackFileStopGraceTests
{
    private static readonly string StackFile = Path.Combine(PulumiTestPaths.RepositoryRoot, "config", "sprocket-reconciler.stack.yml");
    private static readonly string ExampleSettings = Path.Combine(PulumiTestPaths.RepositoryRoot, "config", "appsettings.example.json");

    [Fact]
    public void The_stack_files_stop_grace_period_outlasts_the_daemons_shutdown()
    {
        var stopGrace = StopGracePeriod();
        // The example settings are what an operator copies; when they set ShutdownGrace, that value ships.
        var shipped = ShippedShutdownGrace();
        var daemonNeeds = shipped + ReconcilerOptions.CancelGrace;

        Assert.True(stopGrace > daemonNeeds,
            $"stop_grace_period {stopGrace} in {StackFile} must exceed ShutdownGrace {shipped} + CancelGrace {ReconcilerOptions.CancelGrace}: " +
            "otherwise Swarm kills the daemon while pulumi up still runs");
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("12m", 720)]
    [InlineData("11m30s", 690)]
    [InlineData("1h", 3600)]
    [InlineData("1.5m", 90)]
    [InlineData("500ms", 0.5)]
    public void Compose_durations_parse_as_docker_reads_them(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ParseComposeDuration(text));

    private static TimeSpan StopGracePeriod()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(StackFile)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var reconciler = (YamlMappingNode)((YamlMappingNode)root["services"])["reconciler"];
        Assert.True(reconciler.Children.ContainsKey("stop_grace_period"),
            $"{StackFile} sets no stop_grace_period: Docker's default of 10 s would cut every pulumi up short");
        return ParseComposeDuration(((YamlScalarNode)reconciler["stop_grace_period"]).Value!);
    }

    private static TimeSpan ShippedShutdownGrace()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(ExampleSettings, optional: false).Build();
        var text = configuration[ReconcilerOptions.Key(nameof(ReconcilerOptions.ShutdownGrace))];
        return text is null ? new ReconcilerOptions().ShutdownGrace : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Compose files take Go durations ("1m30s", "500ms"), not .NET TimeSpan strings.</summary>
    private static TimeSpan ParseComposeDuration(string text)
    {
        var match = GoDuration().Match(text);
        Assert.True(match.Success, $"'{text}' is not a duration such as 12m or 11m30s");
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitAt = part.Value.IndexOfAny(['h', 'm', 's', 'u', 'µ', 'n']);
            var number = double.Parse(part.Value[..unitAt], CultureInfo.InvariantCulture);
            total += part.Value[unitAt..] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                _ => TimeSpan.FromTicks((long)(number / 100)),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$")]
    private static partial Regex GoDuration();
}
