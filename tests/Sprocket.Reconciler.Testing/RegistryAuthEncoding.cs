using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.Testing;

/// <summary>What a client encoding X-Registry-Auth with standard base64 would send for the test credentials.</summary>
public static class RegistryAuthEncoding
{
    // Docker.DotNet serialises AuthConfig with System.Text.Json, nulls left out: these three fields in this order.
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static bool StandardBase64HoldsPlusOrSlash(string username, string password, string serverAddress)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new global::Docker.DotNet.Models.AuthConfig
        {
            Username = username,
            Password = password,
            ServerAddress = serverAddress,
        }, Options);
        return Convert.ToBase64String(json).AsSpan().IndexOfAny('+', '/') >= 0;
    }
}
