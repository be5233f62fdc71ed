namespace Sprocket.Reconciler.IntegrationTests.Configuration;

/// <summary>
/// Each bad configuration value reported from the field (issue "Hostile input", item 13) ends the process with exit 2
/// and one line naming the key, never a stack trace, and never by being quietly read as something else.
/// </summary>
public sealed class BadConfigurationValueTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Theory]
    [InlineData("Reconciler:GitHub:RequestTimeout", "abc")]
    [InlineData("Reconciler:Grafana:RequestTimeout", "abc")]
    [InlineData("Reconciler:Gatus:RequestTimeout", "abc")]
    [InlineData("Reconciler:ShutdownGrace", "abc")]
    [InlineData("Reconciler:DesiredState:PollInterval", "30s")]
    // TimeSpan.Parse reads a bare number as days: PollInterval=30 would poll once a month.
    [InlineData("Reconciler:DesiredState:PollInterval", "30")]
    [InlineData("Reconciler:Swarm:ConvergenceTimeout", "300")]
    [InlineData("Reconciler:Docker:LeaderCheckInterval", "")]
    public async Task A_value_that_is_not_a_duration_is_refused_with_one_line(string key, string value)
    {
        var line = ConfigurationRun.AssertRefused(await ConfigurationRun.DaemonAsync(_scratch.Root, $"{key}={value}"), key);
        Assert.Contains("00:00:30", line, StringComparison.Ordinal); // the form to use instead
    }

    [Fact]
    public async Task A_DataDirectory_that_cannot_be_written_is_refused_with_one_line()
    {
        var line = ConfigurationRun.AssertRefused(
            await ConfigurationRun.DaemonAsync(_scratch.Root, $"Reconciler:DataDirectory={UnwritableDirectory()}"), "Reconciler:DataDirectory");
        Assert.Contains("not a writable folder", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DataDirectory_under_a_regular_file_is_refused_with_one_line()
    {
        var file = _scratch.Combine("a-file");
        File.WriteAllText(file, "not a folder");
        var line = ConfigurationRun.AssertRefused(
            await ConfigurationRun.DaemonAsync(_scratch.Root, $"Reconciler:DataDirectory={Path.Combine(file, "data")}"), "Reconciler:DataDirectory");
        Assert.Contains($"'{file}' is a file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_with_a_file_but_no_repository_is_refused_with_one_line()
    {
        var desired = _scratch.Combine("desired-state.yaml");
        File.WriteAllText(desired, "version: 1\nstacks:\n  - name: web\n    engine: swarm\n    imageTag: git-aaaaaaa\n" +
            "    services:\n      - repository: registry.invalid/web\n        match: 'web*'\n");

        var result = await ConfigurationRun.RunAsync(_scratch.Root, ["diff", "--file", desired, $"--Reconciler:DataDirectory={_scratch.Combine("data")}"]);

        ConfigurationRun.AssertRefused(result, "Reconciler:DesiredState:Repository");
    }

    /// <summary>
    /// A folder this process cannot create files in. Permissions do not stop root, so as root a sysfs folder stands in:
    /// the kernel refuses new files there to everyone.
    /// </summary>
    private string UnwritableDirectory()
    {
        if (System.Environment.UserName == "root") return "/sys/kernel";
        var directory = _scratch.Combine("read-only");
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return directory;
    }

    public void Dispose() => _scratch.Dispose();
}
