using System.Text;
using BenchmarkDotNet.Attributes;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Benchmarks;

/// <summary>
/// What validating a hostile desired-state file costs: parse time against nesting depth up to the 1 MiB
/// file limit, for unclosed and closed flow sequences, nested flow mappings and block sequences. Goal:
/// flat, a few milliseconds at any depth (it was quadratic: 3.7 s at depth 40,000, minutes at 1 MiB).
/// </summary>
[MemoryDiagnoser]
public class NestingDepthBenchmark
{
    private byte[] _file = [];

    [Params("[", "[]", "{a: ", "- ")]
    public string Shape { get; set; } = "[";

    /// <summary>Openers written; clamped so the file stays within the 1 MiB limit.</summary>
    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var head = Shape == "- " ? "version: 1\nstacks:\n  " : "version: 1\nstacks: ";
        var opener = Shape == "[]" ? "[" : Shape;
        var closer = Shape == "[]" ? "]" : Shape == "{a: " ? "}" : "";
        var depth = Math.Min(Depth, (DesiredStateParser.MaxFileBytes - head.Length) / (opener.Length + closer.Length));
        var text = new StringBuilder(head);
        text.Insert(text.Length, opener, depth).Insert(text.Length, closer, depth);
        _file = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark(Description = "parse a nesting bomb")]
    public int Parse() => DesiredStateParser.ParseBytes("bomb.yaml", _file).ErrorCount;
}
