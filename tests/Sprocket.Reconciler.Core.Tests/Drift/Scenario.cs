using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Core.Tests.Drift;

/// <summary>Builds the plain records a classification needs, so each test reads as its scenario.</summary>
internal static class Scenario
{
    public const string Web = "ghcr.io/sprocketbot/web";
    public const string Worker = "ghcr.io/sprocketbot/worker";
    public const string Legacy = "ghcr.io/mle/worker";
    public const string Aaa = "git-aaa1111";
    public const string Bbb = "git-bbb2222";
    public const string Ccc = "git-ccc3333";

    public static string DigestOf(string tag, int generation = 0) =>
        "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tag + generation)));

    public static StackSpec Stack(string tag, params ServiceSpec[] services) =>
        new("platform-prod", StackEngine.Swarm, tag, null,
            services.Length == 0 ? [new ServiceSpec(Web, "prod-web*")] : [.. services],
            ImmutableArray<ObservedServiceSpec>.Empty, StackPolicy.Default);

    public static LiveService Service(string name, string image, string? previous = null, LiveUpdateStatus? status = null) =>
        new("id-" + name, name, ImageReferenceParser.Parse(image), previous is null ? null : ImageReferenceParser.Parse(previous), status, 10);

    /// <summary>Swarm's UpdateStatus as the mapper builds it: the state in Swarm's own word, parsed once.</summary>
    public static LiveUpdateStatus Status(string state, string? message = null, RollbackOrigin origin = RollbackOrigin.Unknown) =>
        new(SwarmUpdateStates.Parse(state) ?? SwarmUpdateState.Unknown, message, null, null, origin, state);

    public static StackEvaluation Evaluate(StackSpec stack, IImageFacts facts, string? applied = null, params LiveService[] live) =>
        DriftClassifier.Evaluate(stack, applied, new LiveIndex(live), facts);

    /// <summary>A registry that resolves every seeded tag to its generation-0 digest.</summary>
    public static FakeFacts Registry() => new();
}

internal sealed class FakeFacts : IImageFacts
{
    private readonly Dictionary<(string, string), TagLookup> _tags = [];
    private readonly Dictionary<(string, string), string> _ledger = [];

    public FakeFacts With(string repository, string tag, int generation = 0, bool moved = false)
    {
        _tags[(repository, tag)] = TagLookup.Resolved(Scenario.DigestOf(tag, generation), moved);
        _ledger[(repository, Scenario.DigestOf(tag, generation))] = tag;
        return this;
    }

    public FakeFacts Remember(string repository, string tag, int generation)
    {
        _ledger[(repository, Scenario.DigestOf(tag, generation))] = tag;
        return this;
    }

    public FakeFacts Missing(string repository, string tag)
    {
        _tags[(repository, tag)] = TagLookup.Unresolvable("manifest unknown");
        return this;
    }

    public TagLookup? Resolve(string repository, string tag) => _tags.GetValueOrDefault((repository, tag));
    public string? TagOf(string repository, string digest) => _ledger.GetValueOrDefault((repository, digest));
}
