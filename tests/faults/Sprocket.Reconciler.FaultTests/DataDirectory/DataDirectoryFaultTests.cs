using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.Telemetry;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>
/// Issue 12, fault 8: the data directory is full, or reconciler.db is locked or corrupted. While the agent cannot write
/// its state it says so (/readyz 503 naming the file and the SQLite error, <c>sprocket_reconciler_state_writable</c> 0),
/// starts no apply, answers a hold it could not store with 503 (in force in memory, written on recovery) — and once the
/// fault clears it writes what waited, is ready again and acts. A corrupted file is refused at start, never replaced.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class DataDirectoryFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FaultWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_locked_state_database_stops_applies_keeps_a_hold_and_recovers_when_released()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa));
        var daemon = scenario.Daemon;
        var database = Path.Combine(daemon.DataDirectory, State.StateDatabase.FileName);
        var before = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);

        // Mid-apply: a commit to apply arrives while another process holds the write lock.
        int wrongApplies;
        var fault = Stopwatch.StartNew();
        using (ExclusiveLock.Take(database))
        {
            await scenario.CommitTagAsync(GitBbb);
            var notReady = await WaitNotReadyAsync(daemon, "SQLITE_BUSY");
            Assert.Contains(database, notReady.Problem, StringComparison.Ordinal);
            await Eventually.Until(async () => (await daemon.GetMetricsAsync()).Value(MetricNames.StateWriteFailures) >= 3, FaultWait,
                "the refused write tried again");
            Assert.Equal(0, (await daemon.GetMetricsAsync()).Value(MetricNames.StateWritable));
            wrongApplies = await AppliesSinceAsync(scenario, before);
            Assert.Equal(0, wrongApplies);
            Assert.DoesNotContain(scenario.History(), r => r.Tag == GitBbb);
        }
        var recovery = await WaitReadyAsync(daemon);
        output.WriteLine($"locked for {fault.Elapsed.TotalSeconds:0.0} s; ready {recovery.TotalSeconds:0.0} s after the release");
        RecoveryRecord.Write(output, "state db locked", "mid-apply", wrongApplies, recovery);
        await scenario.WaitForServicesAtAsync(GitBbb, "the apply that waited for the state database");
        Assert.Equal(1, (await daemon.GetMetricsAsync()).Value(MetricNames.StateWritable));

        // Idle, then a hold that must be written: refused with 503, in force in memory, written once the lock goes.
        using (ExclusiveLock.Take(database))
        {
            var (code, body) = await PostAsync(daemon, scenario.Name, "hold");
            Assert.True(code == HttpStatusCode.ServiceUnavailable, $"POST hold while locked: {(int)code} {body}");
            Assert.Contains("in force in memory", body, StringComparison.Ordinal);
            Assert.Contains("SQLITE_BUSY", body, StringComparison.Ordinal);
            await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Manual == true, "the hold in force in memory");
            await WaitNotReadyAsync(daemon, "SQLITE_BUSY");
        }
        recovery = await WaitReadyAsync(daemon);
        RecoveryRecord.Write(output, "state db locked", "hold pending a write", 0, recovery);
        await AssertHoldSurvivesRestartAsync(scenario);
    }

    [Fact]
    public async Task A_full_data_directory_refuses_a_hold_with_503_and_writes_it_once_space_is_free()
    {
        await using var disk = await TinyTmpfs.MountAsync("8m");
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            ExtraArguments = [$"--Reconciler:DataDirectory={disk.Path}"],
        });
        var daemon = scenario.Daemon;
        var database = Path.Combine(disk.Path, State.StateDatabase.FileName);

        // An emptied write-ahead log: the next commit must grow a file, which a full disk refuses.
        await Eventually.Until(() => Task.FromResult(TruncateWal(database)), FaultWait, "the write-ahead log checkpointed and truncated");
        var filled = await disk.FillAsync();
        output.WriteLine($"filled {disk.Path} with {filled} bytes");
        try
        {
            var (code, body) = await PostAsync(daemon, scenario.Name, "hold");
            Assert.True(code == HttpStatusCode.ServiceUnavailable, $"POST hold while full: {(int)code} {body}");
            Assert.Contains("SQLITE_FULL", body, StringComparison.Ordinal);
            var notReady = await WaitNotReadyAsync(daemon, "SQLITE_FULL");
            Assert.Contains(disk.Path, notReady.Problem, StringComparison.Ordinal);
            Assert.Equal(0, (await daemon.GetMetricsAsync()).Value(MetricNames.StateWritable));
            await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Manual == true, "the hold in force in memory");
        }
        finally
        {
            disk.Empty();
        }
        var recovery = await WaitReadyAsync(daemon);
        RecoveryRecord.Write(output, "data directory full", "hold pending a write", 0, recovery);
        await AssertHoldSurvivesRestartAsync(scenario);
    }

    [Fact]
    public async Task A_corrupted_state_database_is_refused_at_start_naming_the_file_and_left_as_it_was()
    {
        using var scratch = new ScratchDirectory();
        var repository = await WorkRepository.InitAsync(scratch.Combine("desired"));
        await repository.CommitFileAsync(DesiredStateYaml.FileName, "version: 1\nstacks: []\n", "empty desired state");
        var data = Directory.CreateDirectory(scratch.Combine("data")).FullName;
        var database = Path.Combine(data, State.StateDatabase.FileName);
        var garbage = Enumerable.Range(0, 16 * 1024).Select(i => (byte)(i * 31 % 251)).ToArray();
        await File.WriteAllBytesAsync(database, garbage);

        var result = await ReconcilerCommand.RunAsync("run", "--urls", "http://127.0.0.1:0",
            $"--Reconciler:DesiredState:Repository={repository.Directory}", $"--Reconciler:DataDirectory={data}",
            $"--Reconciler:Docker:Host={TestEnvironment.Current.DockerHost}");

        Assert.True(result.ExitCode == 2, result.ToString());
        var firstLine = result.StandardError.Split('\n')[0];
        Assert.Contains(database, firstLine, StringComparison.Ordinal);
        Assert.Contains("SQLite error 26", firstLine, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(database));
    }

    /// <summary>
    /// Read-only is checked at start: a running daemon keeps reconciler.db open for writing, and the kernel refuses to
    /// remount a bind mount read-only under an open writer (EBUSY), so the fault can only meet a daemon as it starts.
    /// </summary>
    [Fact]
    public async Task A_read_only_data_directory_is_refused_at_start_naming_the_folder()
    {
        using var scratch = new ScratchDirectory();
        var repository = await WorkRepository.InitAsync(scratch.Combine("desired"));
        await repository.CommitFileAsync(DesiredStateYaml.FileName, "version: 1\nstacks: []\n", "empty desired state");
        await using var readOnly = await ReadOnlyBind.MountAsync(Directory.CreateDirectory(scratch.Combine("data")).FullName);

        var result = await ReconcilerCommand.RunAsync("run", "--urls", "http://127.0.0.1:0",
            $"--Reconciler:DesiredState:Repository={repository.Directory}", $"--Reconciler:DataDirectory={readOnly.Path}",
            $"--Reconciler:Docker:Host={TestEnvironment.Current.DockerHost}");

        Assert.True(result.ExitCode == 2, result.ToString());
        var firstLine = result.StandardError.Split('\n')[0];
        Assert.Contains(readOnly.Path, firstLine, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", firstLine, StringComparison.Ordinal);
    }

    private static async Task<Readiness> WaitNotReadyAsync(DaemonProcess daemon, string sqliteError) =>
        await Eventually.UntilValue(() => Readiness.ReadAsync(daemon),
            r => r.Code == HttpStatusCode.ServiceUnavailable && r.Problem?.Contains(sqliteError, StringComparison.Ordinal) == true,
            FaultWait, $"/readyz 503 naming {sqliteError}");

    /// <summary>Waits for /readyz 200 from the moment the fault cleared; returns how long that took.</summary>
    private static async Task<TimeSpan> WaitReadyAsync(DaemonProcess daemon)
    {
        var cleared = Stopwatch.StartNew();
        await Eventually.UntilValue(() => Readiness.ReadAsync(daemon), r => r.Ready, FaultWait, "/readyz 200 once the fault cleared");
        return cleared.Elapsed;
    }

    /// <summary>The hold was written, not only kept in memory: a restarted daemon still has it.</summary>
    private static async Task AssertHoldSurvivesRestartAsync(ReconcileScenario scenario)
    {
        await scenario.Daemon.StopAsync();
        await scenario.Daemon.RestartAsync();
        await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Manual == true, "the hold after a restart");
    }

    /// <summary>Spec updates of the service since <paramref name="before"/>: an apply is one.</summary>
    private static async Task<int> AppliesSinceAsync(ReconcileScenario scenario, ServiceSnapshot before)
    {
        var now = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);
        return now.SpecImage == before.SpecImage ? 0 : 1;
    }

    private static async Task<(HttpStatusCode Code, string Body)> PostAsync(DaemonProcess daemon, string stack, string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/stacks/{Uri.EscapeDataString(stack)}/{action}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReconcileScenario.ApiToken);
        using var response = await daemon.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static bool TruncateWal(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        return reader.Read() && reader.GetInt32(0) == 0 && new FileInfo(database + "-wal").Length == 0;
    }
}
