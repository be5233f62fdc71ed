namespace Sprocket.Reconciler.Cli;

/// <summary>Logging for the one-shot commands: warnings and worse only, always on stderr, so that the
/// command's output on stdout (a table, JSON) stays parseable whatever appsettings.json says.</summary>
public static class CommandLineLogging
{
    public static ILoggingBuilder QuietForCommandLine(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddFilter((_, level) => level >= LogLevel.Warning);
        return logging;
    }
}
