using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Testing;

internal static class PulumiStacks
{
    public static StackSpec Stack(string repository, string @ref = "main", string workDir = "infra/platform", string name = "platform-prod",
        string project = "platform", string stack = "prod", string configKey = "image-tag") =>
        new(name, StackEngine.Pulumi, "sha-aaaaaaa",
            new PulumiSpec(project, stack, workDir, configKey, new ProgramSource(repository, @ref)),
            [new ServiceSpec("127.0.0.1:5000/sprocketbot/web", "prod-web*")],
            ImmutableArray<ObservedServiceSpec>.Empty,
            StackPolicy.Default);
}
