using System.Security.Cryptography;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// Reads a webhook body to its end, hashing each read as it arrives (GitHub signs the body exactly as sent, so
/// the HMAC is over the raw bytes). The bytes are kept in pooled pieces, since a verified body is parsed after;
/// a body past the cap, or whose HMAC does not match, gives its pieces back before the answer is written.
/// </summary>
internal static class SignedBodyReader
{
    public static async Task<SignedBody> ReadAsync(Stream body, byte[] key, byte[] claimedDigest, long maxBytes, CancellationToken cancellationToken)
    {
        var kept = new PooledBody();
        try
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            while (true)
            {
                var space = kept.FreeSpace();
                var read = await body.ReadAsync(space, cancellationToken);
                if (read == 0) break;
                if (kept.Length + read > maxBytes)
                {
                    kept.Dispose();
                    return new SignedBody.TooLarge();
                }
                hmac.AppendData(space.Span[..read]);
                kept.Advance(read);
            }
            if (!CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), claimedDigest))
            {
                kept.Dispose();
                return new SignedBody.Mismatch();
            }
            return new SignedBody.Verified(kept);
        }
        catch
        {
            kept.Dispose();
            throw;
        }
    }
}

/// <summary>What <see cref="SignedBodyReader.ReadAsync"/> made of a body.</summary>
internal abstract record SignedBody
{
    private SignedBody()
    {
    }

    /// <summary>The signature matches; the caller disposes <paramref name="Body"/> once it has parsed it.</summary>
    public sealed record Verified(PooledBody Body) : SignedBody;

    public sealed record Mismatch : SignedBody;

    public sealed record TooLarge : SignedBody;
}
