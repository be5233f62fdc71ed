using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// libgit2's own socket timeouts, which LibGit2Sharp 0.32 does not expose: without them a remote that accepts the
/// connection and never answers holds a fetch forever (libgit2 waits on the socket; ListRemoteReferences takes no
/// cancellation). Set through <c>git_libgit2_opts</c> of the native library LibGit2Sharp loaded, with the option
/// numbers of libgit2/libgit2: include/git2/common.h (<c>GIT_OPT_SET_SERVER_CONNECT_TIMEOUT</c> and
/// <c>GIT_OPT_SET_SERVER_TIMEOUT</c>, milliseconds, libgit2 1.7 and later; LibGit2Sharp 0.32 ships 1.8).
/// Process-wide, like every libgit2 option: they bound every libgit2 transfer of the process (desired-state fetches,
/// Pulumi program checkouts, write-back pushes).
/// <c>git_libgit2_opts</c> is variadic and is called here through non-variadic delegates. That matches the variadic
/// convention on x64 (System V and Windows) and on Linux and Windows arm64 (AAPCS64 passes the variadic int in a
/// register, as a fixed one), but not on Apple arm64, where variadic arguments go on the stack: there the options are
/// not set at all (see <see cref="CanCallVariadicAsFixed"/>).
/// </summary>
internal static class GitTransportTimeouts
{
    private const int SetServerConnectTimeout = 39;
    private const int GetServerConnectTimeout = 40;
    private const int SetServerTimeout = 41;
    private const int GetServerTimeout = 42;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetOption(int option, int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetOption(int option, out int value);

    private static readonly Lazy<(SetOption Set, GetOption Get)?> Options = new(Bind);
    private static int _appliedMilliseconds;

    /// <summary>
    /// Sets both timeouts to <paramref name="timeout"/> (when changed since the last call); returns false when the
    /// native library does not take them (the fetch then has only the system's TCP timeouts).
    /// </summary>
    public static bool Apply(TimeSpan timeout)
    {
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        if (Volatile.Read(ref _appliedMilliseconds) == milliseconds) return true;
        if (!CanCallVariadicAsFixed(OperatingSystem.IsMacOS() || OperatingSystem.IsIOS(), RuntimeInformation.ProcessArchitecture)) return false;
        if (Options.Value is not { } options) return false;
        if (options.Set(SetServerConnectTimeout, milliseconds) != 0 || options.Set(SetServerTimeout, milliseconds) != 0) return false;
        // Read back: an option number the library does not know would otherwise pass unnoticed.
        if (options.Get(GetServerConnectTimeout, out var connect) != 0 || options.Get(GetServerTimeout, out var read) != 0
            || connect != milliseconds || read != milliseconds)
            return false;
        Volatile.Write(ref _appliedMilliseconds, milliseconds);
        return true;
    }

    /// <summary>
    /// False where a variadic C function's arguments after the fixed ones are not passed as a non-variadic call
    /// passes them: Apple's arm64 ABI puts them on the stack ("Writing ARM64 code for Apple platforms"), so libgit2
    /// would read garbage for the value.
    /// </summary>
    internal static bool CanCallVariadicAsFixed(bool isApple, Architecture architecture) =>
        !(isApple && architecture == Architecture.Arm64);

    private static (SetOption, GetOption)? Bind()
    {
        // LibGit2Sharp names its native library after libgit2's commit: git2-<short sha>, loaded from its runtimes folder.
        var name = "git2-" + GlobalSettings.Version.LibGit2CommitSha;
        if (!NativeLibrary.TryLoad(name, typeof(Repository).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out var library)
            && !NativeLibrary.TryLoad(name, typeof(Repository).Assembly, null, out library))
            return null;
        if (!NativeLibrary.TryGetExport(library, "git_libgit2_opts", out var opts)) return null;
        return (Marshal.GetDelegateForFunctionPointer<SetOption>(opts), Marshal.GetDelegateForFunctionPointer<GetOption>(opts));
    }
}
