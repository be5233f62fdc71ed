using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Daemon;

/// <summary>
/// Between the tracker putting a new revision in force and the loop evaluating it (a Docker listing and registry
/// lookups), the stack document must keep showing the revision its status was computed from: a deploy check
/// waiting for "revision == X and status == synced" must never get a false yes.
/// </summary>
public sealed class StackDocumentRevisionTests
{
    [Fact]
    public void The_revision_shown_is_the_one_the_status_was_evaluated_against()
    {
        var before = Snapshot("git-aaa1111", "1111111111111111111111111111111111111111");
        var after = Snapshot("git-bbb2222", "2222222222222222222222222222222222222222");
        var evaluatedBefore = new StackEvaluation("web", StackStatus.Synced, "all 1 services run git-aaa1111", "git-aaa1111", null, []);

        // What the store holds right after DesiredStateTracker put `after` in force, before the loop made its pass.
        var status = new ReconcilerStatus(after, null, [evaluatedBefore], null, null, Evaluated: before);
        var document = StackDocument.From(evaluatedBefore, status);

        Assert.True(
            (document.Desired.Revision, document.Desired.ImageTag) == (before.Revision, "git-aaa1111")
            || (document.Desired.Revision, document.Desired.ImageTag) == (after.Revision, "git-bbb2222"),
            $"desired {{imageTag: {document.Desired.ImageTag}, revision: {document.Desired.Revision}}} mixes two commits; status {document.Status}");
    }

    private static DesiredSnapshot Snapshot(string tag, string revision)
    {
        var parsed = DesiredStateParser.Parse(DesiredStateYaml.FileName, DesiredStateYaml.Render(
            new DesiredStack("web", tag, new DesiredService("127.0.0.1:5555/sprocketbot/web", "prod-web*"))));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return new DesiredSnapshot(parsed.State, revision, DesiredStateYaml.FileName);
    }
}
