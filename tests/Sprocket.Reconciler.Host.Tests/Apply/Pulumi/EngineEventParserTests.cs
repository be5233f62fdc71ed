using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

public sealed class EngineEventParserTests
{
    [Fact]
    public void Reads_the_recorded_compact_event_log_of_an_interrupted_up()
    {
        var lines = File.ReadAllLines(PulumiTestPaths.SharedFixture("event-log-up-interrupted.jsonl"));

        var events = lines.Select(EngineEventParser.ParseLine).OfType<EngineEvent>().ToList();

        Assert.Equal(9, events.Count);
        Assert.IsType<PreludeEngineEvent>(events[0]);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9], events.Select(e => e.Sequence));
        Assert.Equal(1700000000, events[0].Timestamp);
        var create = Assert.IsType<ResourcePreEngineEvent>(events[2]);
        Assert.Equal("create", create.Metadata.Op);
        Assert.Equal("aws:s3/bucket:Bucket", create.Metadata.Type);
        Assert.Null(create.Metadata.Old);
        Assert.Equal("private", Json.String(create.Metadata.New!.Inputs, "acl"));
        var outputs = Assert.IsType<ResourceOutputsEngineEvent>(events[3]);
        Assert.Equal("completed-bucket-1234567", outputs.Metadata.New!.Id);
        var update = Assert.IsType<ResourcePreEngineEvent>(events[6]);
        Assert.Equal("db.t3.micro", Json.String(update.Metadata.Old!.Inputs, "instanceClass"));
        var summary = Assert.IsType<SummaryEngineEvent>(events[7]);
        Assert.Equal(new Dictionary<string, int> { ["create"] = 1, ["same"] = 1 }, summary.ResourceChanges);
        Assert.Equal(7, summary.DurationSeconds);
        Assert.False(summary.MaybeCorrupt);
        Assert.Null(summary.Result); // this recording has none (CLIs before v3.237.0 write none): the exit code decides
        Assert.IsType<CancelEngineEvent>(events[8]);
    }

    [Fact]
    public void Reads_the_recorded_pretty_printed_preview_stream()
    {
        var events = EngineEventParser.ParseStream(File.ReadAllText(PulumiTestPaths.SharedFixture("events-pretty-preview-update.json")));

        Assert.Equal([0L, 3, 21, 22], events.Select(e => e.Sequence));
        var step = Assert.IsType<ResourcePreEngineEvent>(events[1]);
        Assert.True(step.Planning);
        Assert.Equal("update", step.Metadata.Op);
        Assert.Equal("pulumi:pulumi:Stack", step.Metadata.Type);
        Assert.Equal(new Dictionary<string, int> { ["update"] = 1 }, Assert.IsType<SummaryEngineEvent>(events[2]).ResourceChanges);
        Assert.IsType<CancelEngineEvent>(events[3]);
    }

    [Fact]
    public void Accepts_unknown_fields_and_unknown_payload_kinds()
    {
        var summary = EngineEventParser.ParseLine(
            """{"sequence":12,"timestamp":1700000100,"newTopLevel":"x","summaryEvent":{"maybeCorrupt":true,"durationSeconds":3,"resourceChanges":{"update":2},"PolicyPacks":{},"isPreview":false,"result":"failed","futureField":[1,2]}}""");
        var progress = EngineEventParser.ParseLine(
            """{"sequence":13,"timestamp":1700000101,"progressEvent":{"type":"plugin-download","id":"x","message":"m","received":1,"total":2,"done":false}}""");

        var parsed = Assert.IsType<SummaryEngineEvent>(summary);
        Assert.Equal("failed", parsed.Result);
        Assert.True(parsed.MaybeCorrupt);
        Assert.Equal(2, parsed.ResourceChanges["update"]);
        Assert.Equal("progressEvent", Assert.IsType<OtherEngineEvent>(progress).Kind);
    }

    [Fact]
    public void Reads_diagnostics_and_failed_steps()
    {
        var diagnostic = EngineEventParser.ParseLine(
            """{"sequence":5,"timestamp":1,"diagnosticEvent":{"urn":"urn:pulumi:prod::platform::docker:index/service:Service::web","prefix":"error: ","message":"update failed: rpc error\n","color":"never","severity":"error"}}""");
        var failed = EngineEventParser.ParseLine(
            """{"sequence":6,"timestamp":1,"resOpFailedEvent":{"metadata":{"op":"update","urn":"urn:pulumi:prod::platform::docker:index/service:Service::web","type":"docker:index/service:Service","old":null,"new":null,"provider":""},"status":1,"steps":0}}""");

        var error = Assert.IsType<DiagnosticEngineEvent>(diagnostic);
        Assert.True(error.IsError);
        Assert.Equal("update failed: rpc error\n", error.Message);
        var step = Assert.IsType<ResourceOperationFailedEngineEvent>(failed);
        Assert.Equal(1, step.Status);
        Assert.Equal("web", Urn.Name(step.Metadata.Urn));
    }

    [Theory]
    [InlineData("""{"sequence":1,"timestamp":2}""")]
    [InlineData("""{"sequence":1,""")]
    [InlineData("[1,2]")]
    public void Rejects_lines_that_are_not_events(string line) =>
        Assert.Throws<FormatException>(() => EngineEventParser.ParseLine(line));

    [Fact]
    public void A_blank_line_is_no_event() => Assert.Null(EngineEventParser.ParseLine("   "));
}
