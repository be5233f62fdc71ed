using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>The texts are the CLI's own stderr, as Pulumi's sources print them.</summary>
public sealed class PulumiErrorClassifierTests
{
    public static TheoryData<string, int, PulumiFailureReason, ApplyOutcome> RealFailures => new()
    {
        // Pulumi Cloud's 409 (sdk/go/auto/errors.go IsConcurrentUpdateError)
        { "error: [409] Conflict: Another update is currently in progress.\n", 255, PulumiFailureReason.LockConflict, ApplyOutcome.Locked },
        // DIY backends (pkg/backend/diy/lock.go)
        { "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n"
          + "  file:///var/lib/pulumi/.pulumi/locks/organization/platform/prod/2b1f4a1e.json: created by root@manager-1 (pid 4242) at 2024-05-01T18:00:00Z\n",
          1, PulumiFailureReason.LockConflict, ApplyOutcome.Locked },
        // backenderr.StackNotFoundError, exit 6 on new CLIs, 255 on old ones
        { "error: no stack named 'prod' found\n", 255, PulumiFailureReason.StackNotFound, ApplyOutcome.Misconfigured },
        { "error: no stack named 'organization/platform/prod' found\n", 6, PulumiFailureReason.StackNotFound, ApplyOutcome.Misconfigured },
        { "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n", 255, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        { "error: [401] Unauthorized: No credentials provided or are invalid.\n", 1, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        // pkg/secrets/passphrase/manager.go
        { "error: constructing secrets manager of type \"passphrase\": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables\n",
          255, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        { "error: getting secrets manager: incorrect passphrase\n", 255, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        { "error: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase\n",
          255, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        { "error: no Pulumi.yaml project file found (searching upwards from /data/programs/ab/infra). If you have not created a project yet, use `pulumi new` to do so: no project file found\n",
          255, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        // A CLI that does not have what we pass: pflag's text via cobra, exit 1 on v3.259.0 (ExitCodeFor's default),
        // 255 before v3.226.0. PULUMI_DEBUG_COMMANDS unset → no --event-log (pkg/cmd/pulumi/operations/up.go).
        // Retrying cannot help: a human must fix the CLI or its environment.
        { "error: unknown flag: --event-log\n", 1, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        { "error: unknown flag: --exec-kind\n", 255, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        { "error: unknown shorthand flag: 'f' in -f\n", 1, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        // pkg/cmd/pulumi/rattler/rattler.go unknownCommandError (a CLI before 3.91.0 has no `install`)
        { "error: unknown command \"install\" for \"pulumi\"\nRun 'pulumi --help' for usage.\n", 1, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        // the exit-code taxonomy of v3.226.0+ (pkg/cmd/pulumi/cmd/exit_codes.go), whatever the text
        { "error: --yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode\n",
          2, PulumiFailureReason.Configuration, ApplyOutcome.Misconfigured },
        { "error: getting user info\n", 3, PulumiFailureReason.Authentication, ApplyOutcome.Misconfigured },
        { "error: some resource failed\n", 4, PulumiFailureReason.ResourceFailure, ApplyOutcome.Failed },
        { "error: policy violations\n", 5, PulumiFailureReason.PolicyViolation, ApplyOutcome.Misconfigured },
        { "error: no stack selected; specify a stack name with --stack\n", 6, PulumiFailureReason.StackNotFound, ApplyOutcome.Misconfigured },
        { "error: update expected no changes\n", 7, PulumiFailureReason.NoChangesExpected, ApplyOutcome.Failed },
        { "error: update canceled\n", 8, PulumiFailureReason.Cancelled, ApplyOutcome.Failed },
        { "error: operation timed out\n", 9, PulumiFailureReason.Timeout, ApplyOutcome.Failed },
        // ExitCodeError (1): unclassified and bail errors, e.g. a failed update on v3.259.0
        { "error: update failed\n", 1, PulumiFailureReason.Other, ApplyOutcome.Failed },
        // a resource failure is ours to retry with backoff
        { "error: update failed\n  docker:index/service:Service (web): error: rpc error: code = Unknown desc = update out of sequence\n", 255, PulumiFailureReason.Other, ApplyOutcome.Failed },
        { "", 137, PulumiFailureReason.Other, ApplyOutcome.Failed },
    };

    [Theory]
    [MemberData(nameof(RealFailures))]
    public void Classifies_real_cli_failures(string stderr, int exitCode, PulumiFailureReason reason, ApplyOutcome outcome)
    {
        var classified = PulumiErrorClassifier.Classify(exitCode, stderr);

        Assert.Equal(reason, classified);
        Assert.Equal(outcome, PulumiErrorClassifier.ToOutcome(classified));
    }

    [Fact]
    public void Text_wins_over_exit_code_so_old_and_new_clis_agree()
    {
        // A lock conflict on a CLI that exits 2 for it would still be a lock conflict.
        Assert.Equal(PulumiFailureReason.LockConflict, PulumiErrorClassifier.Classify(2, "error: the stack is currently locked by 1 lock(s)."));
    }

    [Fact]
    public void The_table_has_one_row_per_evidence()
    {
        var evidence = PulumiErrorClassifier.Table.Select(rule => rule.Evidence).ToList();

        Assert.Equal(evidence.Count, evidence.Distinct().Count());
    }

    [Fact]
    public void Summary_prefers_the_error_lines()
    {
        var summary = PulumiErrorClassifier.Summarize("Updating (prod):\n  pulumi:pulumi:Stack platform-prod running\nerror: update failed\n\nResources:\n    1 unchanged\n");

        Assert.Equal("error: update failed", summary);
    }
}
