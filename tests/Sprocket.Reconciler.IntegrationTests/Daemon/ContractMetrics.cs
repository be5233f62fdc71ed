namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The metric names and label values as dashboards and alert rules see them, written out here rather
/// than taken from the daemon's constants, so that renaming one in the daemon fails these tests.
/// </summary>
public static class ContractMetrics
{
    public const string StackStatus = "sprocket_reconciler_stack_status";
    public const string ServiceDrift = "sprocket_reconciler_service_drift";
    public const string ServiceImageInfo = "sprocket_reconciler_service_image_info";
    public const string EmergencyRollbacks = "sprocket_reconciler_emergency_rollbacks_total";
    public const string DesiredRevisionInfo = "sprocket_reconciler_desired_revision_info";
    public const string DesiredStateRejected = "sprocket_reconciler_desired_state_rejected_total";

    public static readonly IReadOnlyList<string> Statuses = ["synced", "out-of-sync", "drifted", "held", "applying", "failed", "invalid"];
    public static readonly IReadOnlyList<string> DriftReasons = ["emergency-rollback", "failed-update-rollback", "manual-change", "missing", "tag-moved"];

    /// <summary><c>stack_status{stack,status}</c> is 1 for <paramref name="status"/> and 0 for every other status.</summary>
    public static void AssertStackStatus(MetricsScrape scrape, string stack, string status)
    {
        foreach (var candidate in Statuses)
        {
            var value = scrape.Value(StackStatus, ("stack", stack), ("status", candidate));
            Assert.True(value == (candidate == status ? 1 : 0),
                $"{StackStatus}{{stack={stack},status={candidate}}} is {value?.ToString() ?? "absent"}; expected status {status}\n{scrape.Describe(StackStatus)}");
        }
    }

    /// <summary><c>service_drift{stack,service,reason}</c> is 1 for <paramref name="reason"/> only; "none" means 0 for every reason.</summary>
    public static void AssertServiceDrift(MetricsScrape scrape, string stack, string service, string reason)
    {
        foreach (var candidate in DriftReasons)
        {
            var value = scrape.Value(ServiceDrift, ("stack", stack), ("service", service), ("reason", candidate));
            Assert.True(value == (candidate == reason ? 1 : 0),
                $"{ServiceDrift}{{stack={stack},service={service},reason={candidate}}} is {value?.ToString() ?? "absent"}; expected drift {reason}\n{scrape.Describe(ServiceDrift)}");
        }
    }

    /// <summary><c>service_image_info</c> has exactly one sample for the service, with these labels and value 1.</summary>
    public static void AssertImageInfo(MetricsScrape scrape, string stack, string service, string desiredTag, string liveTag, string liveDigest)
    {
        var samples = scrape.Find(ServiceImageInfo, ("stack", stack), ("service", service));
        var sample = Assert.Single(samples);
        Assert.Equal(1, sample.Value);
        Assert.Equal(desiredTag, sample.Labels["desired_tag"]);
        Assert.Equal(liveTag, sample.Labels["live_tag"]);
        Assert.Equal(liveDigest, sample.Labels["live_digest"]);
    }

    /// <summary>One <c>desired_revision_info</c> sample, value 1, naming <paramref name="revision"/> of <paramref name="repository"/>, branch main.</summary>
    public static void AssertDesiredRevision(MetricsScrape scrape, string repository, string revision)
    {
        var sample = Assert.Single(scrape.Find(DesiredRevisionInfo));
        Assert.Equal(1, sample.Value);
        Assert.Equal(revision, sample.Labels["revision"]);
        Assert.Equal(repository, sample.Labels["repository"]);
        Assert.Equal("main", sample.Labels["branch"]);
    }

    /// <summary>The emergency rollback counter of the service; 0 when the daemon never counted one (the series is absent).</summary>
    public static double EmergencyRollbacksOf(MetricsScrape scrape, string stack, string service) =>
        scrape.Value(EmergencyRollbacks, ("stack", stack), ("service", service)) ?? 0;
}
