using System.Text;
using BenchmarkDotNet.Attributes;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Benchmarks;

/// <summary>
/// The most expensive 1 MiB files found for the parser's other bounds (node count, list sizes, error cap,
/// tag-pattern budget). Goal: each well under a second and under 200 MB allocated.
/// </summary>
[MemoryDiagnoser]
public class HostileFileBenchmark
{
    private byte[] _file = [];

    [Params("flat-list", "aliases", "anchors", "duplicate-keys", "unknown-keys", "bad-stacks", "good-stacks", "slow-tag-pattern", "nul-bytes", "long-scalar")]
    public string Shape { get; set; } = "flat-list";

    [GlobalSetup]
    public void Setup() => _file = Encoding.UTF8.GetBytes(Fit(Shape switch
    {
        "flat-list" => "version: 1\nstacks: [" + Repeat("x,", 600_000) + "]\n",
        "aliases" => "version: 1\nx: &a 1\nstacks: [" + Repeat("*a,", 400_000) + "]\n",
        "anchors" => "version: 1\nstacks: [" + string.Join(",", Enumerable.Range(0, 150_000).Select(i => $"&a{i} x")) + "]\n",
        "duplicate-keys" => "version: 1\nstacks: []\n" + Repeat("a: 1\n", 250_000),
        "unknown-keys" => "version: 1\nstacks: []\n" + string.Concat(Enumerable.Range(0, 150_000).Select(i => $"k{i}: 1\n")),
        "bad-stacks" => "version: 1\nstacks:\n" + Repeat("  - { name: x, engine: swarm, imageTag: latest, services: [] }\n", 20_000),
        "good-stacks" => "version: 1\nstacks:\n" + string.Concat(Enumerable.Range(0, 1_000).Select(i =>
            $"  - {{ name: s{i}, engine: swarm, imageTag: sha-abc1234, services: [{{ repository: ghcr.io/a/b, match: b* }}] }}\n")),
        "slow-tag-pattern" => "version: 1\nimmutableTagPattern: '^(a+)+$'\nstacks:\n" + string.Concat(Enumerable.Range(0, 1_000).Select(i =>
            $"  - {{ name: s{i}, engine: swarm, imageTag: {new string('a', 30)}b, services: [{{ repository: ghcr.io/a/b, match: b* }}] }}\n")),
        "nul-bytes" => new string('\0', DesiredStateParser.MaxFileBytes),
        _ => "version: 1\nstacks:\n  - name: " + new string('x', DesiredStateParser.MaxFileBytes - 40) + "\n",
    }));

    [Benchmark(Description = "parse a hostile 1 MiB file")]
    public int Parse() => DesiredStateParser.ParseBytes("hostile.yaml", _file).ErrorCount;

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    /// <summary>Cut at the last line or item that fits, so every shape is as big as the limit allows.</summary>
    private static string Fit(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= DesiredStateParser.MaxFileBytes)
        {
            return text;
        }

        var cut = text[..DesiredStateParser.MaxFileBytes];
        var end = Math.Max(cut.LastIndexOf('\n'), cut.LastIndexOf(','));
        return cut[..end] + "\n";
    }
}
