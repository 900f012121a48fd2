using System.Security.Cryptography;
using System.Text;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>Comparisons of presented secrets that take the same time whatever the input, so timing reveals nothing.</summary>
internal static class SharedSecret
{
    /// <summary>
    /// Whether <paramref name="presented"/> equals <paramref name="expected"/>. Both are hashed first: FixedTimeEquals needs
    /// equal lengths, and comparing lengths directly would leak the secret's length.
    /// </summary>
    public static bool Matches(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>The value after <paramref name="scheme"/> in the Authorization header ("Bearer", "Basic"), or null.</summary>
    public static string? Authorization(IHeaderDictionary headers, string scheme)
    {
        var header = headers.Authorization.ToString();
        return header.Length > scheme.Length + 1 && header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? header[(scheme.Length + 1)..].Trim()
            : null;
    }

    /// <summary>Whether a signed timestamp lies within <paramref name="tolerance"/> of now, either way (clock skew).</summary>
    public static bool Fresh(DateTimeOffset signedAt, DateTimeOffset now, TimeSpan tolerance)
        => (now - signedAt).Duration() <= tolerance;
}
