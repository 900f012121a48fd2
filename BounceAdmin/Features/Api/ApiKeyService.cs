using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Identity;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Api;

/// <summary>One key as the API keys page lists it (never the secret, which is not stored).</summary>
public sealed record ApiKeyRow(
    int Id,
    string Name,
    string PublicId,
    IReadOnlyList<string> Scopes,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? ExpiresAt,
    DateTime? RevokedAt,
    string? RevokedBy,
    DateTime? LastUsedAt)
{
    /// <summary>What a client sees of the key: the part before the secret.</summary>
    public string Shown => $"{ApiKeySecret.Prefix}{PublicId}_…";

    public bool IsActive(DateTime nowUtc) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > nowUtc);
}

/// <summary>A new key: <see cref="Key"/> is the only copy of the secret and is shown once.</summary>
public sealed record CreatedApiKey(ApiKeyRow Row, string Key);

/// <summary>Why a key was refused (401), told to the client in the <c>WWW-Authenticate</c> header and body.</summary>
public enum ApiKeyFailure
{
    Malformed,
    Unknown,
    Revoked,
    Expired,
}

/// <summary>The outcome of checking a presented key: the key, or why it was refused.</summary>
public sealed record ApiKeyCheck(ApiKey? Key, ApiKeyFailure? Failure);

/// <summary>
/// API keys (issue 12 point 4): create, list and revoke are Admin only, checked here and not by the page; each is logged
/// as an audit line (who, which key, scopes) and recorded on the key row (created by/at, revoked by/at), which is kept
/// after revocation. <see cref="CheckAsync"/> is what authentication calls for every API request.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock, ILogger<ApiKeyService> logger)
{
    public const int MaxNameLength = 100;

    /// <summary>Last used at is written at most this often per key, so a busy key does not write on every request.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name).ToListAsync(ct);
        return keys.Select(ToRow).ToList();
    }

    /// <summary>Creates a key; throws <see cref="ArgumentException"/> with a message for the user when the input is wrong.</summary>
    /// <param name="expiresAt">UTC expiry, in the future; null for a key that does not expire.</param>
    public async Task<CreatedApiKey> CreateAsync(string name, IEnumerable<string> scopes, DateTime? expiresAt, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        return await CreateAsAsync(actor, name, scopes, expiresAt, ct);
    }

    /// <summary>The command line's way in (<c>apikey add</c>), which acts as the system without a signed-in Admin.</summary>
    internal async Task<CreatedApiKey> CreateAsAsync(string actor, string name, IEnumerable<string> scopes, DateTime? expiresAt, CancellationToken ct)
    {
        name = name?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw new ArgumentException("Give the key a name (what or who it is for).");
        }

        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"The name is longer than {MaxNameLength} characters.");
        }

        if (name.Any(char.IsControl))
        {
            throw new ArgumentException("The name contains control characters.");
        }

        var wanted = (scopes ?? []).Select(s => s?.Trim() ?? "").Where(s => s.Length > 0).Distinct().ToList();
        var unknown = wanted.Where(s => !ApiScopes.All.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scope {string.Join(", ", unknown)}; the scopes are {string.Join(", ", ApiScopes.All)}.");
        }

        if (wanted.Count == 0)
        {
            throw new ArgumentException($"Choose at least one scope: {string.Join(", ", ApiScopes.All)}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (expiresAt is { } exp && exp.ToUniversalTime() <= now)
        {
            throw new ArgumentException("The expiry must be in the future.");
        }

        if (await NameTakenAsync(name, ct))
        {
            throw new ArgumentException($"There is already a key named \"{name}\" (names stay taken after a revocation, so audit entries keep one meaning).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (key, publicId, hash) = ApiKeySecret.Generate();
        var entity = new ApiKey
        {
            Name = name,
            PublicId = publicId,
            SecretHash = hash,
            Scopes = string.Join(' ', ApiScopes.All.Where(wanted.Contains)),
            CreatedAt = now,
            CreatedBy = actor,
            ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        db.ApiKeys.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (!ct.IsCancellationRequested)
        {
            // Another Admin created a key of that name a moment ago (the unique index said so), or the write failed.
            throw await NameTakenAsync(name, ct)
                ? new ArgumentException($"There is already a key named \"{name}\".")
                : new InvalidOperationException("The key could not be saved; try again.");
        }

        logger.LogInformation("Audit: {Actor} created API key {Name} ({PublicId}) with scopes {Scopes}, expiring {ExpiresAt}",
            actor, name, publicId, entity.Scopes, entity.ExpiresAt?.ToString("O") ?? "never");
        return new CreatedApiKey(ToRow(entity), key);
    }

    /// <summary>Revokes a key at once (the next request with it is 401). Revoking a revoked key changes nothing.</summary>
    public async Task<ApiKeyRow> RevokeAsync(int id, CancellationToken ct = default)
    {
        var actor = await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct)
            ?? throw new ArgumentException("There is no such key (it may have been removed).");
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            key.RevokedBy = actor;
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Audit: {Actor} revoked API key {Name} ({PublicId})", actor, key.Name, key.PublicId);
        }

        return ToRow(key);
    }

    /// <summary>
    /// Checks a presented key (no role needed: this is how an API caller signs in). Unknown, revoked and expired keys are
    /// refused; the secret is compared in constant time. Records last used at (to <see cref="LastUsedPrecision"/>).
    /// </summary>
    [BounceAdmin.Identity.SystemOperation("Authentication itself: it runs before there is a caller, and writes only the key's last-used time.")]
    public async Task<ApiKeyCheck> CheckAsync(string presented, CancellationToken ct = default)
    {
        if (!ApiKeySecret.TryParse(presented, out var publicId, out var secret))
        {
            return new(null, ApiKeyFailure.Malformed);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.PublicId == publicId, ct);
        if (key is null || !ApiKeySecret.Matches(secret, key.SecretHash))
        {
            return new(null, ApiKeyFailure.Unknown);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (key.RevokedAt is not null)
        {
            return new(null, ApiKeyFailure.Revoked);
        }

        if (key.ExpiresAt is { } exp && exp <= now)
        {
            return new(null, ApiKeyFailure.Expired);
        }

        if (key.LastUsedAt is not { } last || now - last >= LastUsedPrecision)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
            key.LastUsedAt = now;
        }

        return new(key, null);
    }

    private async Task<bool> NameTakenAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AnyAsync(k => k.Name == name, ct);
    }

    public static IReadOnlyList<string> ScopesOf(ApiKey key) => key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static ApiKeyRow ToRow(ApiKey k)
        => new(k.Id, k.Name, k.PublicId, ScopesOf(k), k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.RevokedBy, k.LastUsedAt);
}
