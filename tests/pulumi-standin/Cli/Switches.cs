namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// Environment switches that make the stand-in misbehave the way the real CLI can, so failure paths of a
/// driver can be tested. Documented in README.md.
/// </summary>
public sealed record Switches(bool Locked, int? FailAfter, TimeSpan SlowUp, bool Crash, TimeSpan ConvergeTimeout, string? HangWhile)
{
    public static Switches FromEnvironment()
    {
        static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
        static double? Number(string name) =>
            Read(name) is { } text && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number
                : null;

        return new Switches(
            Locked: Read("SPROCKET_STANDIN_LOCKED") == "1",
            FailAfter: Number("SPROCKET_STANDIN_FAIL_AFTER") is { } failAfter ? (int)failAfter : null,
            SlowUp: TimeSpan.FromSeconds(Number("SPROCKET_STANDIN_SLOW_UP") ?? 0),
            Crash: Read("SPROCKET_STANDIN_CRASH") == "1",
            ConvergeTimeout: TimeSpan.FromSeconds(Number("SPROCKET_STANDIN_CONVERGE_TIMEOUT") ?? 120),
            HangWhile: Read("SPROCKET_STANDIN_HANG_WHILE"));
    }
}
