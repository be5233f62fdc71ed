using System.Globalization;
using Xunit.Abstractions;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// One row of the recovery table: which fault, at which moment, how many wrong applies it caused (always asserted 0 by
/// the test itself) and how long after the fault cleared the agent was well again. Written to the test's output, and
/// appended to the file <see cref="FileVariable"/> names, which tests/bench/recovery-table.sh reads.
/// </summary>
public static class RecoveryRecord
{
    public const string FileVariable = "SPROCKET_FAULT_RECORDS";

    public static void Write(ITestOutputHelper output, string fault, string moment, int wrongApplies, TimeSpan recovery)
    {
        var line = string.Join('\t', "[recovery]", fault, moment,
            wrongApplies.ToString(CultureInfo.InvariantCulture),
            recovery.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } file)
            File.AppendAllLines(file, [line]);
    }
}
