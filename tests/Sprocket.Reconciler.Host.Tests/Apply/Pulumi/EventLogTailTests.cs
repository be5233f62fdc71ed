using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>The tail is driven by hand here: append, read, assert — no waiting.</summary>
public sealed class EventLogTailTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public void Returns_nothing_before_the_cli_creates_the_file()
    {
        var tail = new EventLogTail(_scratch.Combine("missing.jsonl"));

        Assert.Empty(tail.ReadNew());
    }

    [Fact]
    public void Hands_out_each_complete_line_once_and_holds_a_partial_line_until_its_newline()
    {
        var path = _scratch.Combine("events.jsonl");
        var recorded = File.ReadAllLines(PulumiTestPaths.SharedFixture("event-log-up-interrupted.jsonl"));
        var tail = new EventLogTail(path);
        using var writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

        writer.Write(recorded[0] + "\n" + recorded[1] + "\n" + recorded[2][..40]);
        var first = tail.ReadNew();
        writer.Write(recorded[2][40..] + "\n");
        var second = tail.ReadNew();
        var third = tail.ReadNew();

        Assert.Equal([1L, 2], first.Select(e => e.Sequence));
        Assert.Equal([3L], second.Select(e => e.Sequence));
        Assert.Empty(third);
    }

    [Fact]
    public void Reads_a_last_line_without_newline_once_the_run_is_over_and_counts_garbage()
    {
        var path = _scratch.Combine("events.jsonl");
        File.WriteAllText(path, "not json\n" + """{"sequence":9,"timestamp":1,"cancelEvent":{}}""");
        var tail = new EventLogTail(path);

        Assert.Empty(tail.ReadNew());
        var remaining = tail.ReadRemaining();

        Assert.IsType<CancelEngineEvent>(Assert.Single(remaining));
        Assert.Equal(1, tail.MalformedLines);
    }

    public void Dispose() => _scratch.Dispose();
}
