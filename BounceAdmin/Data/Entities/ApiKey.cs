namespace BounceAdmin.Data.Entities;

/// <summary>
/// An API key for <c>/api/v1</c>: created by an Admin, shown once, stored only as the SHA-256 of its secret. The key a
/// client sends is <c>ba_{PublicId}_{secret}</c>; <see cref="PublicId"/> finds the row, the hash proves the secret.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }

    /// <summary>What the key is for ("ESP sync"); unique. Writes made with the key are audited as <c>apikey:Name</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The random, non-secret id in the key (after <c>ba_</c>), shown on the API keys page to tell keys apart.</summary>
    public required string PublicId { get; set; }

    /// <summary>SHA-256 of the secret part of the key (32 bytes).</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>The scopes, space-separated (see <c>ApiScopes</c>).</summary>
    public required string Scopes { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The Admin (or <c>cli</c>) who created the key.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>After this time (UTC) the key is refused; null: no expiry.</summary>
    public DateTime? ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    /// <summary>The last authenticated request, to the minute (not written more than once a minute).</summary>
    public DateTime? LastUsedAt { get; set; }
}
