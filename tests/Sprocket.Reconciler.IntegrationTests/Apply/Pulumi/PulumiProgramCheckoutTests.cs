using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>Against real git repositories made with the git CLI, reached by path and by file:// URL.</summary>
public sealed class PulumiProgramCheckoutTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly PulumiProgramCheckout _checkout;

    public PulumiProgramCheckoutTests() => _checkout = new PulumiProgramCheckout(
        Options.Create(new ReconcilerOptions { DataDirectory = _scratch.Combine("data") }),
        Options.Create(new GitHubOptions()),
        new StaticOptionsMonitor<DesiredStateOptions>(new DesiredStateOptions()),
        NullLogger<PulumiProgramCheckout>.Instance);

    [Fact]
    public async Task Checks_out_the_branch_into_the_data_directory_and_asks_for_install_only_when_the_commit_changes()
    {
        var program = await ProgramAsync();
        var stack = PulumiStacks.Stack(program.Directory);

        var first = Assert.IsType<ProgramCheckoutResult.Ready>(await _checkout.PrepareAsync(stack, CancellationToken.None));
        PulumiProgramCheckout.MarkInstalled(first);
        var unchanged = Assert.IsType<ProgramCheckoutResult.Ready>(await _checkout.PrepareAsync(stack, CancellationToken.None));
        var second = await program.CommitFileAsync("infra/platform/index.ts", "export const version = 2;\n");
        var changed = Assert.IsType<ProgramCheckoutResult.Ready>(await _checkout.PrepareAsync(stack, CancellationToken.None));

        Assert.StartsWith(Path.Combine(_scratch.Combine("data"), "programs") + Path.DirectorySeparatorChar, first.CheckoutDirectory);
        Assert.Equal(Path.Combine(first.CheckoutDirectory, "infra", "platform"), first.WorkDirectory);
        Assert.True(first.NeedsInstall);
        Assert.False(unchanged.NeedsInstall);
        Assert.Equal(first.Commit, unchanged.Commit);
        Assert.True(changed.NeedsInstall);
        Assert.Equal(second, changed.Commit);
        Assert.Equal("export const version = 2;\n", File.ReadAllText(Path.Combine(changed.WorkDirectory, "index.ts")));
    }

    [Fact]
    public async Task Hard_resets_local_changes_left_in_the_tree()
    {
        var program = await ProgramAsync();
        var stack = PulumiStacks.Stack(program.Directory);
        var ready = Assert.IsType<ProgramCheckoutResult.Ready>(await _checkout.PrepareAsync(stack, CancellationToken.None));
        File.WriteAllText(Path.Combine(ready.WorkDirectory, "Pulumi.yaml"), "name: tampered\n");

        var again = Assert.IsType<ProgramCheckoutResult.Ready>(await _checkout.PrepareAsync(stack, CancellationToken.None));

        Assert.Equal("name: platform\nruntime: nodejs\n", File.ReadAllText(Path.Combine(again.WorkDirectory, "Pulumi.yaml")));
    }

    [Fact]
    public async Task Ref_may_be_an_annotated_tag_or_a_commit_id_and_a_file_url_works()
    {
        var program = await ProgramAsync();
        var tagged = await program.RunAsync("rev-parse", "HEAD");
        await program.RunAsync("tag", "-a", "v1", "-m", "release 1");
        var later = await program.CommitFileAsync("infra/platform/index.ts", "export const version = 3;\n");
        var bare = await program.CloneBareAsync(_scratch.Combine("remote.git"));

        var byTag = Assert.IsType<ProgramCheckoutResult.Ready>(
            await _checkout.PrepareAsync(PulumiStacks.Stack("file://" + bare, "v1", name: "by-tag"), CancellationToken.None));
        var byCommit = Assert.IsType<ProgramCheckoutResult.Ready>(
            await _checkout.PrepareAsync(PulumiStacks.Stack(program.Directory, later[..12], name: "by-commit"), CancellationToken.None));

        Assert.Equal(tagged, byTag.Commit);
        Assert.Equal(later, byCommit.Commit);
        Assert.NotEqual(byTag.CheckoutDirectory, byCommit.CheckoutDirectory);
    }

    [Fact]
    public async Task A_ref_that_does_not_exist_needs_a_human()
    {
        var program = await ProgramAsync();

        var failed = Assert.IsType<ProgramCheckoutResult.Failed>(
            await _checkout.PrepareAsync(PulumiStacks.Stack(program.Directory, "no-such-branch"), CancellationToken.None));

        Assert.Equal(ApplyOutcome.Misconfigured, failed.Outcome);
        Assert.Contains("no branch, tag or commit 'no-such-branch'", failed.Message);
    }

    [Fact]
    public async Task A_missing_or_symlinked_work_dir_needs_a_human()
    {
        var program = await ProgramAsync();
        File.CreateSymbolicLink(Path.Combine(program.Directory, "escape"), "/etc");
        await program.RunAsync("add", "--all");
        await program.RunAsync("commit", "--quiet", "-m", "a link out");

        var missing = Assert.IsType<ProgramCheckoutResult.Failed>(
            await _checkout.PrepareAsync(PulumiStacks.Stack(program.Directory, workDir: "infra/nothing"), CancellationToken.None));
        var linked = Assert.IsType<ProgramCheckoutResult.Failed>(
            await _checkout.PrepareAsync(PulumiStacks.Stack(program.Directory, workDir: "escape", name: "linked"), CancellationToken.None));

        Assert.Equal(ApplyOutcome.Misconfigured, missing.Outcome);
        Assert.Contains("does not exist", missing.Message);
        Assert.Equal(ApplyOutcome.Misconfigured, linked.Outcome);
        Assert.Contains("symbolic link", linked.Message);
    }

    [Fact]
    public async Task A_repository_path_that_does_not_exist_needs_a_human()
    {
        var failed = Assert.IsType<ProgramCheckoutResult.Failed>(
            await _checkout.PrepareAsync(PulumiStacks.Stack(_scratch.Combine("nowhere")), CancellationToken.None));

        Assert.Equal(ApplyOutcome.Misconfigured, failed.Outcome);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("infra/../../outside")]
    public void Work_dir_validation_refuses_to_leave_the_checkout(string workDir)
    {
        Directory.CreateDirectory(_scratch.Combine("tree", "infra"));

        Assert.Null(PulumiProgramCheckout.ValidateWorkDirectory(_scratch.Combine("tree"), workDir, out var problem));
        Assert.Equal("leaves the program checkout", problem);
    }

    private async Task<WorkRepository> ProgramAsync()
    {
        var program = await WorkRepository.InitAsync(_scratch.Combine("program"));
        await program.CommitFileAsync("infra/platform/Pulumi.yaml", "name: platform\nruntime: nodejs\n");
        await program.CommitFileAsync("infra/platform/index.ts", "export const version = 1;\n");
        return program;
    }

    public void Dispose() => _scratch.Dispose();
}
