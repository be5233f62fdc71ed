using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Reconcile;

namespace Sprocket.Reconciler.FaultTests.PulumiCli;

/// <summary>
/// What the Pulumi stand-in recorded of every call (SPROCKET_STANDIN_STARTS when it started, SPROCKET_STANDIN_CALLS when
/// it ended), read for the fault suite's two Pulumi invariants: never two <c>pulumi up</c> on the stack at once, and the
/// daemon never runs <c>pulumi cancel</c>.
/// </summary>
internal static class StandinRecord
{
    /// <summary>
    /// Every <c>up</c> from its start to its end; one that recorded no end was killed (SIGKILL): it ended no later
    /// than <paramref name="killedAt"/> says, else it still runs. No two intervals may overlap.
    /// </summary>
    public static void AssertNoTwoUpsAtOnce(PulumiWorld world, IReadOnlyDictionary<int, DateTimeOffset>? killedAt = null)
    {
        var ends = world.Calls().Where(call => call.IsUp && call.Pid != 0).ToDictionary(call => call.Pid, call => call.EndedAt);
        var ups = world.Starts().Where(start => start.Argv.FirstOrDefault() == "up")
            .Select(start => (start.Pid, From: start.StartedAt,
                To: ends.GetValueOrDefault(start.Pid) ?? killedAt?.GetValueOrDefault(start.Pid) ?? DateTimeOffset.MaxValue))
            .OrderBy(up => up.From).ToList();
        for (var index = 1; index < ups.Count; index++)
        {
            Assert.True(ups[index - 1].To <= ups[index].From,
                $"two pulumi up at once: pid {ups[index - 1].Pid} ({ups[index - 1].From:O} – {ups[index - 1].To:O}) and pid {ups[index].Pid} (from {ups[index].From:O})\n"
                + string.Join('\n', world.Calls()));
        }
    }

    /// <summary>The only <c>pulumi cancel</c> calls are the ones the test ran as the human.</summary>
    public static void AssertDaemonNeverCancelled(PulumiWorld world, int cancelsByTheHuman) =>
        Assert.True(world.Starts().Count(start => start.Argv.FirstOrDefault() == "cancel") == cancelsByTheHuman,
            $"pulumi cancel ran {world.Starts().Count(start => start.Argv.FirstOrDefault() == "cancel")} times, the human ran it {cancelsByTheHuman}:\n"
            + string.Join('\n', world.Calls()));

    /// <summary>How many <c>up</c> calls started so far.</summary>
    public static int UpsStarted(PulumiWorld world) => world.Starts().Count(start => start.Argv.FirstOrDefault() == "up");

    /// <summary>Kills what a failed test may leave running: stand-in calls that started and never ended.</summary>
    public static void KillLeftovers(PulumiWorld world)
    {
        var ended = world.Calls().Select(call => call.Pid).ToHashSet();
        foreach (var (_, pid, startedAt) in world.Starts().Where(start => !ended.Contains(start.Pid)))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                // Only the stand-in we started: a recycled pid belongs to a process started later.
                if (process.ProcessName == "pulumi" && process.StartTime.ToUniversalTime() <= startedAt.UtcDateTime.AddSeconds(5))
                    process.Kill();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }
}
