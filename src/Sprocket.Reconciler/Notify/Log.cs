namespace Sprocket.Reconciler.Notify;

/// <summary>Notify/ events, ids 8000–8099. Tokens never reach a template; failure texts pass through
/// <see cref="INotifier.Redact"/> first.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information,
        Message = "Notifications enabled for {Notifiers}")]
    public static partial void Enabled(ILogger logger, string notifiers);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Debug,
        Message = "Notified {Notifier} of {Kind} for stack {Stack}")]
    public static partial void Sent(ILogger logger, string notifier, string kind, string stack);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning,
        Message = "Notifying {Notifier} of {Kind} for stack {Stack} failed ({ErrorType}): {Error}")]
    public static partial void SendFailed(ILogger logger, string notifier, string kind, string stack, string errorType, string error);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning,
        Message = "The {Notifier} queue is full; dropped its oldest notification ({Kind} for stack {Stack})")]
    public static partial void Dropped(ILogger logger, string notifier, string kind, string stack);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error,
        Message = "{Notifier} could not take a {Kind} notification for stack {Stack} ({ErrorType}); it was not queued")]
    public static partial void PublishFailed(ILogger logger, string notifier, string kind, string stack, string errorType);
}
