using System.Buffers;
using System.Text;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// A strict <c>application/x-www-form-urlencoded</c> reader for webhook bodies. ASP.NET's form reader forgives a
/// broken <c>%</c> escape or bad UTF-8 by passing it through; here either is an error, so a mangled delivery is
/// refused with a reason instead of being half-read.
/// </summary>
public static class FormUrlEncoded
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The fields in body order, or null with <paramref name="problem"/> saying what is wrong.</summary>
    /// <remarks>A body kept in pieces is split at <c>&amp;</c> without copying; a field that straddles pieces is
    /// copied once, whole, so an escape or UTF-8 sequence across the join decodes as in one array.</remarks>
    public static IReadOnlyList<KeyValuePair<string, string>>? TryParse(ReadOnlySequence<byte> body, out string? problem)
    {
        if (body.IsSingleSegment) return TryParse(body.FirstSpan, out problem);
        var fields = new List<KeyValuePair<string, string>>();
        problem = null;
        var reader = new SequenceReader<byte>(body);
        while (!reader.End)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> pair, (byte)'&'))
            {
                pair = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }
            var parsed = TryParse(pair.IsSingleSegment ? pair.FirstSpan : pair.ToArray(), out problem);
            if (parsed is null) return null;
            fields.AddRange(parsed);
        }
        return fields;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySequence{byte}, out string?)"/>
    public static IReadOnlyList<KeyValuePair<string, string>>? TryParse(ReadOnlySpan<byte> body, out string? problem)
    {
        var fields = new List<KeyValuePair<string, string>>();
        problem = null;
        var rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (pair.IsEmpty) continue;
            var equals = pair.IndexOf((byte)'=');
            var name = Decode(equals < 0 ? pair : pair[..equals], out problem);
            var value = name is null ? null : Decode(equals < 0 ? [] : pair[(equals + 1)..], out problem);
            if (name is null || value is null) return null;
            fields.Add(new(name, value));
        }
        return fields;
    }

    private static string? Decode(ReadOnlySpan<byte> encoded, out string? problem)
    {
        problem = null;
        var bytes = new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            switch (encoded[i])
            {
                case (byte)'+':
                    bytes[length++] = (byte)' ';
                    break;
                case (byte)'%' when i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]):
                    bytes[length++] = (byte)(HexValue(encoded[i + 1]) << 4 | HexValue(encoded[i + 2]));
                    i += 2;
                    break;
                case (byte)'%':
                    problem = $"bad form encoding: '%' at byte {i} is not followed by two hex digits";
                    return null;
                default:
                    bytes[length++] = encoded[i];
                    break;
            }
        }
        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            problem = "bad form encoding: a field is not UTF-8 once decoded";
            return null;
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
