using Docker.DotNet.Handler.Abstractions;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Puts <see cref="RegistryAuthBase64UrlHandler"/> in front of the engine transport. <see cref="IAuthProvider"/> is the
/// library's one hook that wraps the transport's handler (its Basic-auth support uses it the same way); we talk to the
/// engine over a unix socket or plain TCP, so this provider enables no TLS.
/// </summary>
internal sealed class RegistryAuthBase64Url : IAuthProvider
{
    public static RegistryAuthBase64Url Instance { get; } = new();

    public bool TlsEnabled => false;

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) => new RegistryAuthBase64UrlHandler(handler);
}
