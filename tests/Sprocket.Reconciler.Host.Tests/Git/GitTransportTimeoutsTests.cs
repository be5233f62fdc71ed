using System.Runtime.InteropServices;
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

    [Theory]
    [InlineData(false, Architecture.X64, true)]
    [InlineData(false, Architecture.Arm64, true)]
    [InlineData(true, Architecture.X64, true)]
    [InlineData(true, Architecture.Arm64, false)]
    public void The_variadic_option_call_is_made_only_where_the_abi_passes_it_like_a_fixed_one(bool isApple, Architecture architecture, bool callable) =>
        Assert.Equal(callable, GitTransportTimeouts.CanCallVariadicAsFixed(isApple, architecture));
}
