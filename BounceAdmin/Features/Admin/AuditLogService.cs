using System.Globalization;
using BounceAdmin.Data;
using BounceAdmin.Identity;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Features.Admin;

/// <summary>Filters of the audit log; empty members do not filter.</summary>
/// <param name="Person">A person id, or part of their email address.</param>
/// <param name="Actor">Part of the actor (a user's email, or <c>bounce</c>).</param>
/// <param name="Field">The exact field label, e.g. "Email Invalid".</param>
/// <param name="FromUtc">Entries at or after this time.</param>
/// <param name="ToUtc">Entries before this time.</param>
/// <param name="BatchId">Only the entries of one bulk run.</param>
public sealed record AuditFilter(
    string? Person = null,
    string? Actor = null,
    string? Field = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    Guid? BatchId = null);

/// <summary>One audit entry as the audit log shows it.</summary>
public sealed record AuditRow(
    long Id,
    DateTime At,
    int PersonId,
    string? PersonEmail,
    string Actor,
    string Field,
    string? OldValue,
    string? NewValue,
    string Reason,
    long? BounceEventId,
    Guid? BatchId);

/// <summary>A page of the audit log and how many entries match in all.</summary>
public sealed record AuditPage(int TotalItems, IReadOnlyList<AuditRow> Items);

/// <summary>Reads and exports the audit log (Admin only). The log itself is written by the services that change people.</summary>
public sealed class AuditLogService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser)
{
    /// <summary>The export stops here so one click cannot build an unbounded file in memory.</summary>
    public const int MaxExportRows = 100_000;

    /// <summary>The entries matching <paramref name="filter"/>, newest first.</summary>
    public async Task<AuditPage> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        pageSize = Math.Clamp(pageSize, 1, 500);
        page = Math.Max(page, 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Query(db, filter);
        var total = await query.CountAsync(ct);
        var items = await query.Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new AuditPage(total, items);
    }

    /// <summary>
    /// The entries matching <paramref name="filter"/> as CSV (UTF-8, newest first). Cells that a spreadsheet would run as
    /// a formula (starting with =, +, -, @, tab or CR) are prefixed with an apostrophe: reasons and causes are free text
    /// and bounce diagnostics come from strangers' mail servers.
    /// </summary>
    public async Task<byte[]> ExportCsvAsync(AuditFilter filter, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await ExportCsvAsync(filter, buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>
    /// The same CSV written to <paramref name="output"/> as the rows are read (issue 14: the rows stream from the
    /// database through the writer; none are collected first). The page writes it to a temporary file and streams that
    /// to the browser.
    /// </summary>
    public async Task ExportCsvAsync(AuditFilter filter, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using (var csv = CsvWriter.Create(output, options, leaveOpen: true))
        {
            csv.WriteRecord(["At (UTC)", "Person id", "Person email", "Actor", "Field", "Old value", "New value", "Reason", "Bounce event id", "Batch id"]);
            await foreach (var r in Query(db, filter).Take(MaxExportRows).AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            {
                csv.WriteRecord(
                [
                    r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.PersonId.ToString(CultureInfo.InvariantCulture),
                    r.PersonEmail ?? "",
                    r.Actor,
                    r.Field,
                    r.OldValue ?? "",
                    r.NewValue ?? "",
                    r.Reason,
                    r.BounceEventId?.ToString(CultureInfo.InvariantCulture) ?? "",
                    r.BatchId?.ToString() ?? "",
                ]);
            }

            await csv.FlushAsync(ct);
        }
    }

    /// <summary>The field labels that occur in the log, for the filter's choices.</summary>
    public async Task<IReadOnlyList<string>> FieldsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEntries.Select(a => a.Field).Distinct().OrderBy(f => f).ToListAsync(ct);
    }

    private static IQueryable<AuditRow> Query(AppDbContext db, AuditFilter f)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Person))
        {
            var person = f.Person.Trim();
            if (int.TryParse(person, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                entries = entries.Where(a => a.PersonId == id);
            }
            else
            {
                var email = person.ToLowerInvariant();
                entries = entries.Where(a => db.People.Any(p => p.Id == a.PersonId && p.EmailNormalized!.Contains(email)));
            }
        }

        if (!string.IsNullOrWhiteSpace(f.Actor))
        {
            var actor = f.Actor.Trim().ToLowerInvariant();
            entries = entries.Where(a => a.Actor.ToLower().Contains(actor));
        }

        if (!string.IsNullOrWhiteSpace(f.Field))
        {
            entries = entries.Where(a => a.Field == f.Field);
        }

        if (f.FromUtc is { } from)
        {
            entries = entries.Where(a => a.At >= from);
        }

        if (f.ToUtc is { } to)
        {
            entries = entries.Where(a => a.At < to);
        }

        if (f.BatchId is { } batch)
        {
            entries = entries.Where(a => a.BatchId == batch);
        }

        return from a in entries
               join p in db.People on a.PersonId equals p.Id into people
               from p in people.DefaultIfEmpty()
               orderby a.At descending, a.Id descending
               select new AuditRow(a.Id, a.At, a.PersonId, p != null ? p.Email : null, a.Actor, a.Field, a.OldValue, a.NewValue, a.Reason, a.BounceEventId, a.BatchId);
    }
}
