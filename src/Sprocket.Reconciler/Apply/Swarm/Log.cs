namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>Apply/Swarm/ events, ids 6000–6099. Registry credentials never reach a template (only the host does).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information,
        Message = "Swarm apply of stack {Stack} tag {Tag} ({Mode}, {ServiceCount} services, trigger {Trigger}) starting")]
    public static partial void ApplyStarting(ILogger logger, string stack, string tag, ApplyMode mode, int serviceCount, string trigger);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Stack {Stack}: service {Service} already runs {Image}; no update sent")]
    public static partial void AlreadyPinned(ILogger logger, string stack, string service, string image);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information,
        Message = "Stack {Stack}: update of service {Service} from {ImageBefore} to {ImageAfter} sent at version {Version}")]
    public static partial void UpdateSent(ILogger logger, string stack, string service, string? imageBefore, string imageAfter, ulong version);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning,
        Message = "Stack {Stack}: service {Service} changed since version {Version} was read (attempt {Attempt}); re-reading")]
    public static partial void VersionConflict(ILogger logger, string stack, string service, ulong version, int attempt);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "Stack {Stack}: the engine warned about the update of service {Service}: {Warning}")]
    public static partial void UpdateWarning(ILogger logger, string stack, string service, string warning);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug,
        Message = "Stack {Stack}: sending registry credentials for {RegistryHost} with the update of service {Service}")]
    public static partial void RegistryAuthAttached(ILogger logger, string stack, string service, string registryHost);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information,
        Message = "Stack {Stack}: service {Service} converged ({Running}/{Desired} tasks running)")]
    public static partial void Converged(ILogger logger, string stack, string service, int running, int desired);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning,
        Message = "Stack {Stack}: Swarm rolled back the update of service {Service} ({UpdateMessage}); task error: {TaskError}")]
    public static partial void RolledBack(ILogger logger, string stack, string service, string? updateMessage, string? taskError);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning,
        Message = "Stack {Stack}: Swarm paused the update of service {Service} ({UpdateMessage}); task error: {TaskError}")]
    public static partial void Paused(ILogger logger, string stack, string service, string? updateMessage, string? taskError);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning,
        Message = "Stack {Stack}: service {Service} did not converge within {Timeout} ({State})")]
    public static partial void ConvergenceTimedOut(ILogger logger, string stack, string service, TimeSpan timeout, string state);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning,
        Message = "Stack {Stack}: service {Service} (id {ServiceId}) no longer exists")]
    public static partial void ServiceMissing(ILogger logger, string stack, string service, string serviceId);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning,
        Message = "Stack {Stack}: swarm apply failed talking to the engine: {Problem}")]
    public static partial void EngineError(ILogger logger, string stack, string problem, Exception exception);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information,
        Message = "Stack {Stack}: swarm apply cancelled (daemon stopping) after {UpdatesSent} updates sent")]
    public static partial void Cancelled(ILogger logger, string stack, int updatesSent);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Information,
        Message = "Swarm apply of stack {Stack} tag {Tag} finished: {Outcome} in {Elapsed} ({Message})")]
    public static partial void ApplyFinished(ILogger logger, string stack, string tag, ApplyOutcome outcome, TimeSpan elapsed, string message);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Warning,
        Message = "Reading the applied tag of stack {Stack} from the service labels failed: {Problem}")]
    public static partial void ReadAppliedTagFailed(ILogger logger, string stack, string problem, Exception exception);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Debug,
        Message = "Stack {Stack}: {Message}")]
    public static partial void Progress(ILogger logger, string stack, string message);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Warning,
        Message = "Stack {Stack}: could not look at {Service} while it converges ({Problem}); the update already sent is Swarm's to finish, looking again")]
    public static partial void ConvergenceLookFailed(ILogger logger, string stack, string service, string problem);

    [LoggerMessage(EventId = 6017, Level = LogLevel.Warning,
        Message = "Stack {Stack}: the on-call rolled the update of service {Service} back while it rolled out ({UpdateMessage}); an emergency rollback, not retried")]
    public static partial void RolledBackByOnCall(ILogger logger, string stack, string service, string? updateMessage);
}
