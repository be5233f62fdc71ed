using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Testing;

/// <summary>Fixed options for a class built by hand rather than by the container.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
