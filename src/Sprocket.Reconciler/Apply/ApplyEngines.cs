using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Apply;

/// <summary>The configured apply engines, by the <c>engine</c> a stack names.</summary>
public sealed class ApplyEngines(IEnumerable<IApplyEngine> engines)
{
    private readonly Dictionary<string, IApplyEngine> _byName = engines.ToDictionary(e => e.Engine, StringComparer.Ordinal);

    public IApplyEngine? For(StackSpec stack) => _byName.GetValueOrDefault(NameOf(stack));

    public static string NameOf(StackSpec stack) => stack.Engine == StackEngine.Pulumi ? "pulumi" : "swarm";
}
