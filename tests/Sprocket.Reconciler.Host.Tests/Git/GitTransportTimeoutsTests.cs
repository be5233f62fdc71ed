using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>
/// The git library LibGit2Sharp ships takes the server timeouts (read back after setting): without them a remote that
/// accepts and never answers holds a fetch forever. Fails if a LibGit2Sharp upgrade renames the native library or
/// libgit2 renumbers its options.
/// </summary>
public sealed class GitTransportTimeoutsTests
{
    [Fact]
    public void The_bundled_libgit2_takes_and_reports_the_server_timeouts()
    {
        Assert.True(GitTransportTimeouts.Apply(TimeSpan.FromSeconds(7)));
        Assert.True(GitTransportTimeouts.Apply(TimeSpan.FromSeconds(30)));
    }
}
