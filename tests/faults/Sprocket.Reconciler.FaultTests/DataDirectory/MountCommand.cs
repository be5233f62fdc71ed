using CliWrap;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>Runs util-linux's <c>mount</c> / <c>umount</c> (the tests run as root); a failure throws with its stderr.</summary>
internal static class MountCommand
{
    public static async Task RunAsync(params string[] command)
    {
        var result = await global::CliWrap.Cli.Wrap(command[0]).WithArguments(command[1..]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)}: exit {result.ExitCode}: {result.StandardError}");
    }
}
