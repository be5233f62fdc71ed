using System.Net;

namespace Sprocket.Reconciler.Registry;

/// <summary>Which scheme a registry host is reached with, following Docker: https, except hosts listed as insecure and loopback hosts.</summary>
public static class RegistryAddress
{
    public static Uri BaseUri(string host, IEnumerable<string> insecureHosts) =>
        new($"{(UsesPlainHttp(host, insecureHosts) ? "http" : "https")}://{host}/");

    public static bool UsesPlainHttp(string host, IEnumerable<string> insecureHosts) =>
        IsLoopback(host) || insecureHosts.Any(entry => Matches(entry, host));

    /// <summary>127.0.0.0/8, ::1 and localhost, with or without a port.</summary>
    public static bool IsLoopback(string host)
    {
        var name = HostName(host);
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The host without its port; IPv6 brackets removed.</summary>
    public static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[1..close];
        }
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }

    // An entry with a port names exactly that endpoint; an entry without one covers every port of the host.
    private static bool Matches(string entry, string host)
    {
        var trimmed = entry.Trim();
        return string.Equals(trimmed, host, StringComparison.OrdinalIgnoreCase)
            || (HostName(trimmed) == trimmed && string.Equals(trimmed, HostName(host), StringComparison.OrdinalIgnoreCase));
    }
}
