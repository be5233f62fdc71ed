using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Benchmarks;

/// <summary>
/// The pure classification of a whole Swarm: 500 stacks × 20 services = 10,000 services, a tenth of them
/// drifted in assorted ways. Goal: one full evaluation ≤ 50 ms.
/// </summary>
[MemoryDiagnoser]
public class DecisionCoreBenchmark
{
    private const int Stacks = 500;
    private const int ServicesPerStack = 20;
    private ImmutableArray<StackSpec> _stacks;
    private LiveService[] _live = [];
    private readonly BenchFacts _facts = new();

    [GlobalSetup]
    public void Setup()
    {
        var stacks = ImmutableArray.CreateBuilder<StackSpec>();
        var live = new List<LiveService>();
        for (var s = 0; s < Stacks; s++)
        {
            var tag = $"git-{s:x7}";
            var services = ImmutableArray.CreateBuilder<ServiceSpec>();
            for (var i = 0; i < ServicesPerStack; i++)
            {
                var repository = $"ghcr.io/sprocketbot/stack{s}-svc{i}";
                services.Add(new ServiceSpec(repository, $"prod-stack{s}-svc{i}-*"));
                _facts.Add(repository, tag);
                var name = $"prod-stack{s}-svc{i}-{s * 31 + i:x6}";
                live.Add(((s * ServicesPerStack + i) % 10) switch
                {
                    0 => Live(name, $"{repository}:git-0ld0000", $"{repository}:{tag}", new LiveUpdateStatus(SwarmUpdateState.RollbackCompleted, "rollback completed", null, null, RollbackOrigin.Manual)),
                    1 => Live(name, $"{repository}@{BenchFacts.Digest(repository, tag)}", null, null),
                    _ => Live(name, $"{repository}:{tag}@{BenchFacts.Digest(repository, tag)}", null, null),
                });
            }
            stacks.Add(new StackSpec($"stack-{s}", StackEngine.Swarm, tag, null, services.ToImmutable(), [], StackPolicy.Default));
        }
        _stacks = stacks.ToImmutable();
        _live = [.. live];
    }

    [Benchmark(Description = "index + classify 10,000 services in 500 stacks")]
    public int EvaluateAll()
    {
        var index = new LiveIndex(_live);
        var drifted = 0;
        foreach (var stack in _stacks)
            if (DriftClassifier.Evaluate(stack, null, index, _facts).IsDrifted) drifted++;
        return drifted;
    }

    private static LiveService Live(string name, string image, string? previous, LiveUpdateStatus? status) =>
        new("id-" + name, name, ImageReferenceParser.Parse(image), previous is null ? null : ImageReferenceParser.Parse(previous), status, 1, 1, 1);

    private sealed class BenchFacts : IImageFacts
    {
        private readonly Dictionary<(string, string), TagLookup> _tags = [];
        private readonly Dictionary<(string, string), string> _ledger = [];

        public static string Digest(string repository, string tag) =>
            "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(repository + tag)));

        public void Add(string repository, string tag)
        {
            var digest = Digest(repository, tag);
            _tags[(repository, tag)] = TagLookup.Resolved(digest);
            _ledger[(repository, digest)] = tag;
        }

        public TagLookup? Resolve(string repository, string tag) => _tags.GetValueOrDefault((repository, tag));
        public string? TagOf(string repository, string digest) => _ledger.GetValueOrDefault((repository, digest));
    }
}
