namespace Sprocket.Reconciler.Docker;

/// <summary>The Engine API's timestamps (UTC, the zero time when unset) as <see cref="DateTimeOffset"/>s.</summary>
internal static class SwarmTime
{
    public static DateTimeOffset? ToOffset(DateTime? value) =>
        value is { } v && v != default ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
