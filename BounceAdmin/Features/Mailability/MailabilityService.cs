using System.Runtime.CompilerServices;
using BounceAdmin.Data;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Mailability;

/// <summary>
/// Mailability out (issue 12 point 3): one person, a batch of addresses, the suppression list. "Mailable" and "mailable
/// again at" are SPEC §2's, computed by <see cref="PersonStatus"/> (one definition); the suppression list selects with
/// the people grid's own SQL translation (<see cref="PeopleService.ApplyStatus"/>). The person and batch calls need an API
/// key with <see cref="ApiScopes.MailabilityRead"/>; the suppression list also serves Managers and Admins (People page).
/// </summary>
public sealed class MailabilityService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>Most addresses one <see cref="CheckAsync"/> takes (413 above).</summary>
    public const int MaxBatch = 10_000;

    /// <summary>Addresses looked up per query (an IN list of this many parameters on the unique EmailNormalized index).</summary>
    private const int LookupChunk = 1_000;

    /// <summary>How much of the database file the batch lookup maps into memory (address space; pages are the OS cache's).</summary>
    private const long MemoryMapBytes = 1L << 30;

    public const string UnknownReason = "unknown";
    public const string InvalidAddressReason = "invalidAddress";

    // PersonStatus's reasons (what the UI shows) as the API's codes; a test pins each one.
    private static readonly Dictionary<string, string> ReasonCodes = new(StringComparer.Ordinal)
    {
        [PersonStatus.NoEmailReason] = "noEmail",
        ["Blocklisted"] = "blocklisted",
        ["Email Invalid"] = "emailInvalid",
        ["Marketing Suspended"] = "marketingSuspended",
        ["Unsubscribed"] = "unsubscribed",
        ["Email Suspended (within 24 hours)"] = "emailSuspended",
    };

    /// <summary>The API code of a <see cref="PersonStatus"/> reason.</summary>
    public static string CodeOf(string reason)
        => ReasonCodes.TryGetValue(reason, out var code) ? code : char.ToLowerInvariant(reason[0]) + reason[1..].Replace(" ", "");

    /// <summary>One person by address, with the five fields, mailability and the last bounce; null when nobody has it.</summary>
    /// <exception cref="ArgumentException">The text is not an address.</exception>
    public async Task<PersonMailabilityView?> GetPersonAsync(string email, CancellationToken ct = default)
    {
        await currentUser.RequireScopeAsync(ApiScopes.MailabilityRead);
        if (!MailAddressCheck.TryNormalize(email, out var normalized))
        {
            throw new ArgumentException($"\"{Truncate(email)}\" is not an email address.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.People.AsNoTracking().SingleOrDefaultAsync(x => x.EmailNormalized == normalized, ct);
        if (p is null)
        {
            return null;
        }

        var last = await db.BounceEvents.AsNoTracking()
            .Where(b => b.PersonId == p.Id)
            .OrderByDescending(b => b.OccurredAt).ThenByDescending(b => b.Id)
            .Select(b => new { b.Reason, b.Category, b.OccurredAt, b.Permanent })
            .FirstOrDefaultAsync(ct);
        var status = PersonStatus.Of(p, clock.GetUtcNow().UtcDateTime);
        var codes = status.NotMailableReasons.Select(CodeOf).ToList();
        return new PersonMailabilityView(p.Email ?? normalized, p.EmailSuspended, p.EmailSuspendedCause, Utc(p.EmailSuspendedAt),
            p.EmailInvalid, p.EmailInvalidCause, p.Unsubscribed, p.MarketingSuspended, p.Blocklisted, status.SuspendedNow,
            status.Mailable, codes.FirstOrDefault(), codes, Utc(status.MailableAgainAt),
            last is null ? null : new LastBounceView(last.Reason, last.Category, Utc(last.OccurredAt), last.Permanent));
    }

    /// <summary>
    /// One answer per address, in the order given (duplicates answered each time): mailable, or why not, or
    /// <c>unknown</c>, or <c>invalidAddress</c>. Read-only: asking changes nothing.
    /// </summary>
    /// <exception cref="BatchTooLargeException">More than <see cref="MaxBatch"/> addresses.</exception>
    public async Task<MailabilityResponse> CheckAsync(IReadOnlyList<string?> addresses, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        await currentUser.RequireScopeAsync(ApiScopes.MailabilityRead);
        if (addresses.Count > MaxBatch)
        {
            throw new BatchTooLargeException($"{addresses.Count:N0} addresses: at most {MaxBatch:N0} per request.");
        }

        var normalized = new string?[addresses.Count];
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < addresses.Count; i++)
        {
            if (MailAddressCheck.TryNormalize(addresses[i], out var n))
            {
                normalized[i] = n;
                wanted.Add(n);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var found = await LookUpAsync(wanted, now, ct);

        var results = new List<MailabilityAnswer>(addresses.Count);
        int mailable = 0, notMailable = 0, unknown = 0, invalid = 0;
        for (var i = 0; i < addresses.Count; i++)
        {
            if (normalized[i] is not { } n)
            {
                invalid++;
                results.Add(new MailabilityAnswer(addresses[i] ?? "", false, InvalidAddressReason, [InvalidAddressReason], null));
            }
            else if (!found.TryGetValue(n, out var status))
            {
                unknown++;
                results.Add(new MailabilityAnswer(n, false, UnknownReason, [UnknownReason], null));
            }
            else if (status.Mailable)
            {
                mailable++;
                results.Add(new MailabilityAnswer(n, true, null, [], null));
            }
            else
            {
                notMailable++;
                var codes = status.NotMailableReasons.Select(CodeOf).ToList();
                results.Add(new MailabilityAnswer(n, false, codes[0], codes, Utc(status.MailableAgainAt)));
            }
        }

        return new MailabilityResponse(results, new MailabilityCounts(mailable, notMailable, unknown, invalid));
    }

    /// <summary>
    /// The stored flags of every wanted address that somebody has, as <see cref="PersonStatus"/>. The hot path of the
    /// batch call, so it skips LINQ: one prepared <c>IN</c> list of <see cref="LookupChunk"/> parameters re-bound per
    /// chunk, addresses in sorted order (neighbouring lookups share index pages), and the file memory-mapped for this
    /// connection (reads without a system call each; SQLite's WAL mode allows it). Measured by <c>bench</c>.
    /// </summary>
    private async Task<Dictionary<string, PersonStatus>> LookUpAsync(HashSet<string> wanted, DateTime now, CancellationToken ct)
    {
        var found = new Dictionary<string, PersonStatus>(wanted.Count, StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return found;
        }

        var sorted = wanted.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA mmap_size = {MemoryMapBytes}";
            await pragma.ExecuteNonQueryAsync(ct);
        }

        SqliteCommand? command = null;
        try
        {
            foreach (var chunk in sorted.Chunk(LookupChunk))
            {
                if (command is null || command.Parameters.Count != chunk.Length)
                {
                    if (command is not null) await command.DisposeAsync();
                    command = connection.CreateCommand();
                    var names = Enumerable.Range(0, chunk.Length).Select(i => "$a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
                    command.CommandText = "SELECT EmailNormalized, Email, Blocklisted, EmailInvalid, MarketingSuspended, Unsubscribed, EmailSuspendedAt "
                        + $"FROM People WHERE EmailNormalized IN ({string.Join(',', names)})";
                    foreach (var name in names)
                    {
                        command.Parameters.Add(new SqliteParameter { ParameterName = name });
                    }

                    command.Prepare();
                }

                for (var i = 0; i < chunk.Length; i++)
                {
                    command.Parameters[i].Value = chunk[i];
                }

                // Microsoft.Data.Sqlite runs every call synchronously; the async forms would only add a task per row.
                ct.ThrowIfCancellationRequested();
                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    DateTime? suspendedAt = r.IsDBNull(6) ? null : DateTime.SpecifyKind(r.GetDateTime(6), DateTimeKind.Utc);
                    found[r.GetString(0)] = PersonStatus.Of(r.IsDBNull(1) ? null : r.GetString(1), r.GetBoolean(2), r.GetBoolean(3),
                        r.GetBoolean(4), r.GetBoolean(5), suspendedAt, now);
                }
            }
        }
        finally
        {
            if (command is not null) await command.DisposeAsync();
        }

        return found;
    }

    /// <summary>
    /// The suppression list: every address not mailable now, with why, ordered by person id, read as it is streamed.
    /// The caller's right is checked here, before the first row: an API key with <see cref="ApiScopes.MailabilityRead"/>
    /// or a Manager or Admin. <paramref name="changedSince"/> keeps the people changed at or after that time (UTC).
    /// </summary>
    public async Task<IAsyncEnumerable<SuppressionRow>> OpenSuppressionsAsync(DateTime? changedSince)
    {
        await currentUser.RequireScopeOrRoleAsync(ApiScopes.MailabilityRead, Roles.ReportReaders);
        return Suppressions(changedSince?.ToUniversalTime(), clock.GetUtcNow().UtcDateTime);
    }

    private async IAsyncEnumerable<SuppressionRow> Suppressions(DateTime? changedSince, DateTime now, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var people = PeopleService.ApplyStatus(db.People.AsNoTracking(), PeopleStatusFilter.Unmailable, now)
            .Where(p => p.EmailNormalized != null && p.EmailNormalized != "");
        if (changedSince is { } since)
        {
            people = people.Where(p => p.UpdatedAt >= since);
        }

        var rows = people.OrderBy(p => p.Id)
            .Select(p => new { p.Email, p.EmailNormalized, p.Blocklisted, p.EmailInvalid, p.MarketingSuspended, p.Unsubscribed, p.EmailSuspendedAt, p.UpdatedAt })
            .AsAsyncEnumerable()
            .WithCancellation(ct);
        await foreach (var r in rows)
        {
            var status = PersonStatus.Of(r.Email, r.Blocklisted, r.EmailInvalid, r.MarketingSuspended, r.Unsubscribed, r.EmailSuspendedAt, now);
            if (status.Mailable)
            {
                continue; // cannot happen while ApplyStatus agrees with PersonStatus (tested); never list a mailable person
            }

            var codes = status.NotMailableReasons.Select(CodeOf).ToList();
            yield return new SuppressionRow(r.EmailNormalized!, codes[0], codes, Utc(status.MailableAgainAt), Utc(r.UpdatedAt));
        }
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? Utc(v) : null;

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 60 ? s : s[..60] + "…";
}
