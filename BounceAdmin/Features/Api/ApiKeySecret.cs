using System.Security.Cryptography;

namespace BounceAdmin.Features.Api;

/// <summary>
/// The text of an API key: <c>ba_</c>, a public id (8 random bytes, 16 hex digits), <c>_</c>, and the secret (32 random
/// bytes from the operating system's CSPRNG, base64url, 43 characters). Only the SHA-256 of the secret is stored.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "ba_";
    private const int PublicIdBytes = 8;
    private const int SecretBytes = 32;

    /// <summary>A new key: the full text to give the client once, its public id and the hash to store.</summary>
    public static (string Key, string PublicId, byte[] Hash) Generate()
    {
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PublicIdBytes));
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return ($"{Prefix}{publicId}_{secret}", publicId, Hash(secret));
    }

    /// <summary>Splits a key into its public id and secret; false when it does not have the shape of a key.</summary>
    public static bool TryParse(string? key, out string publicId, out string secret)
    {
        publicId = secret = "";
        if (key is null || key.Length > 100 || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        if (sep != PublicIdBytes * 2 || rest.Length - sep - 1 < 32)
        {
            return false;
        }

        foreach (var c in rest[..sep])
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        }

        publicId = rest[..sep].ToString();
        secret = rest[(sep + 1)..].ToString();
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
