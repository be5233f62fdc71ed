using System.Text;
using Sprocket.Reconciler.Cli;

namespace Sprocket.Reconciler.Host.Tests.Daemon;

/// <summary>
/// <c>validate</c> on files written to hurt it, run in-process (no Swarm or registry needed): it reads at
/// most 1 MiB + 1 byte whatever the file is, exits 2 for every file it refuses, and prints nothing a
/// terminal would act on.
/// </summary>
public sealed class ValidateCommandInputTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task Endless_device_is_refused_as_too_large_after_reading_one_mebibyte()
    {
        // Reading it whole used 4 GB and died with an OutOfMemoryException.
        var (exit, _, errors) = await ValidateAsync(new FileInfo("/dev/zero"));

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.Contains("/dev/zero: $: the file has more than 1,048,576 bytes (1 MiB), the limit", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_over_two_gigabytes_is_refused_as_too_large()
    {
        // File.ReadAllBytes throws IOException past 2 GB; a sparse file costs no disk.
        var path = _scratch.Combine("huge.yaml");
        using (var stream = File.Create(path))
        {
            stream.SetLength(3L << 30);
        }

        var (exit, _, errors) = await ValidateAsync(new FileInfo(path));

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.Contains("more than 1,048,576 bytes", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_path_exits_2_with_one_line()
    {
        var (exit, _, errors) = await ValidateAsync(new FileInfo("/proc/self/mem"));

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.StartsWith("/proc/self/mem: cannot read the file: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_from_the_file_never_reach_the_terminal()
    {
        // A line feed forged a second "valid" line; ESC [2J cleared the screen.
        var file = await WriteAsync("forged.yaml", """
            version: 1
            stacks:
              - name: "web\nforged.yaml: valid (1 stack(s), 1 managed service(s))\e[2J"
                engine: swarm
                imageTag: sha-abc1234
                services: [{ repository: ghcr.io/a/b, match: b* }]
            """);

        var (exit, output, errors) = await ValidateAsync(file);

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.Empty(output);
        var lines = errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{file}:3:11: stacks[0].name: 'web<U+000A>forged.yaml: valid", lines[0], StringComparison.Ordinal);
        Assert.Equal($"{file}: 1 error; file rejected", lines[1]);
        Assert.DoesNotContain(errors.Replace(Environment.NewLine, "", StringComparison.Ordinal), c => char.IsControl(c));
    }

    [Fact]
    public async Task Summary_counts_every_error_and_says_how_many_are_shown()
    {
        var yaml = new StringBuilder("version: 1\nstacks:\n");
        for (var i = 0; i < 900; i++)
        {
            yaml.Append("  - { name: x, engine: swarm, imageTag: latest, services: [] }\n");
        }

        var (exit, _, errors) = await ValidateAsync(await WriteAsync("many.yaml", yaml.ToString()));

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.EndsWith($"/many.yaml: 2,699 errors (first 100 shown); file rejected{Environment.NewLine}", errors, StringComparison.Ordinal);
    }

    public void Dispose() => _scratch.Dispose();

    private static async Task<(int Exit, string Output, string Errors)> ValidateAsync(FileInfo file)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await ValidateCommand.RunAsync(file, resolve: false, [], output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    private async Task<FileInfo> WriteAsync(string name, string content)
    {
        var path = _scratch.Combine(name);
        await File.WriteAllTextAsync(path, content);
        return new FileInfo(path);
    }
}
