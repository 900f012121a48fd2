using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// Records deliveries, opens, clicks and unsubscribes of sends (<c>POST /api/v1/events</c>, the provider webhooks, the
/// demo data): one batch is one transaction, with the sends' report flags and daily counts moved in it. Idempotent: an
/// event already recorded (same key) changes nothing. An unsubscribe also sets the person's Unsubscribed, audited.
/// </summary>
public sealed class EngagementService(IDbContextFactory<AppDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    /// <summary>Records <paramref name="events"/> as the current user (an API key with <c>events:write</c>, or an Admin).</summary>
    public Task<EventBatchResult> RecordAsync(IReadOnlyList<EventRecord> events, CancellationToken ct = default)
        => RecordAsync(currentUser, events, "api", ct);

    /// <summary>Records <paramref name="events"/> as <paramref name="caller"/>; <paramref name="source"/> names the door in audit reasons.</summary>
    /// <exception cref="ForbiddenException">The caller lacks <c>events:write</c>.</exception>
    /// <exception cref="BatchRejectedException">An item is invalid: nothing was stored.</exception>
    public async Task<EventBatchResult> RecordAsync(ICurrentUser caller, IReadOnlyList<EventRecord> events, string source, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var actor = await caller.RequireWriteAsync(ApiScopes.EventsWrite);
        if (events.Count > EngagementLimits.MaxBatch)
        {
            throw new BatchRejectedException([new(-1, "events", $"A batch has at most {EngagementLimits.MaxBatch:N0} events, not {events.Count:N0}.")]);
        }

        Validate(events);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            using var sql = new PreparedCommands((SqliteConnection)db.Database.GetDbConnection())
            {
                Transaction = (SqliteTransaction)tx.GetDbTransaction(),
            };
            var results = new EventItemResult[events.Count];
            var touched = new HashSet<long>();
            int recorded = 0, duplicates = 0, unmatched = 0, unsubscribed = 0;
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var at = e.OccurredAt.UtcDateTime;
                var send = FindSend(sql, e, at);
                if (send is not { } s)
                {
                    results[i] = new EventItemResult(i, EventItemStatus.Unmatched, null);
                    unmatched++;
                    continue;
                }

                var key = string.IsNullOrWhiteSpace(e.DedupKey)
                    ? $"{s.Id}:{e.Type.ToString().ToLowerInvariant()}:{at.Ticks}"
                    : e.DedupKey.Trim();
                var inserted = sql.Execute("""
                    INSERT OR IGNORE INTO EmailEvents (SendId, PersonId, EmailId, Type, OccurredAt, DedupKey)
                    VALUES (@send, @person, @email, @type, @at, @key)
                    """, ("@send", s.Id), ("@person", s.PersonId), ("@email", s.EmailId), ("@type", (int)e.Type), ("@at", at), ("@key", key));
                if (inserted == 0)
                {
                    results[i] = new EventItemResult(i, EventItemStatus.Duplicate, s.Id);
                    duplicates++;
                    continue;
                }

                results[i] = new EventItemResult(i, EventItemStatus.Recorded, s.Id);
                recorded++;
                touched.Add(s.Id);
                if (e.Type == EmailEventType.Unsubscribed && Unsubscribe(sql, s, actor, source, now))
                {
                    unsubscribed++;
                }
            }

            // The sends whose events changed move to their new bucket (engagement beats bounces, SPEC §5).
            await EmailStats.RefreshSendsAsync(db, touched, ct);
            await tx.CommitAsync(ct);
            return new EventBatchResult(recorded, duplicates, unmatched, unsubscribed, results);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Validate(IReadOnlyList<EventRecord> events)
    {
        var errors = new List<ItemError>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e is null)
            {
                errors.Add(new ItemError(i, "", "is null"));
                continue;
            }

            if (!Enum.IsDefined(e.Type))
            {
                errors.Add(new ItemError(i, "type", "must be delivered, opened, clicked or unsubscribed"));
            }

            var byEmail = !string.IsNullOrWhiteSpace(e.Recipient)
                && (!string.IsNullOrWhiteSpace(e.EmailName) || !string.IsNullOrWhiteSpace(e.EmailExternalId));
            if (e.SendId is null && string.IsNullOrWhiteSpace(e.ExternalSendId) && MessageIds.Normalize(e.MessageId) is null && !byEmail)
            {
                errors.Add(new ItemError(i, "externalSendId",
                    "say which send: give 'externalSendId', 'messageId', 'sendId', or 'emailName' (or 'emailExternalId') with 'recipient'"));
            }

            if (e.DedupKey is { Length: > EngagementLimits.MaxIdLength })
            {
                errors.Add(new ItemError(i, "externalId", $"is longer than {EngagementLimits.MaxIdLength} characters"));
            }
        }

        if (errors.Count > 0)
        {
            throw new BatchRejectedException(errors);
        }
    }

    private readonly record struct SendRow(long Id, int PersonId, int EmailId);

    private const string SendColumns = "SELECT Id, PersonId, EmailId FROM Sends";

    private static SendRow? FindSend(PreparedCommands sql, EventRecord e, DateTime at)
    {
        if (e.SendId is { } id && Read(sql, $"{SendColumns} WHERE Id = @id", ("@id", id)) is { } byId)
        {
            return byId;
        }

        if (!string.IsNullOrWhiteSpace(e.ExternalSendId) && Read(sql, $"{SendColumns} WHERE ExternalId = @x", ("@x", e.ExternalSendId.Trim())) is { } byExternal)
        {
            return byExternal;
        }

        if (MessageIds.Normalize(e.MessageId) is { } mid && Read(sql, $"{SendColumns} WHERE MessageId = @mid ORDER BY Id LIMIT 1", ("@mid", mid)) is { } byMessage)
        {
            return byMessage;
        }

        if (string.IsNullOrWhiteSpace(e.Recipient))
        {
            return null;
        }

        var emailId = !string.IsNullOrWhiteSpace(e.EmailExternalId)
            ? sql.Scalar("SELECT Id FROM Emails WHERE ExternalId = @x", ("@x", e.EmailExternalId.Trim()))
            : !string.IsNullOrWhiteSpace(e.EmailName)
                ? sql.Scalar("SELECT Id FROM Emails WHERE Name = @name ORDER BY Id LIMIT 1", ("@name", e.EmailName.Trim()))
                : null;
        if (emailId is not long email || sql.Scalar("SELECT Id FROM People WHERE EmailNormalized = @email",
                ("@email", e.Recipient.Trim().ToLowerInvariant())) is not long person)
        {
            return null;
        }

        // The latest send of that email to that person at or before the event.
        return Read(sql, $"{SendColumns} WHERE PersonId = @person AND EmailId = @emailId AND SentAt <= @at ORDER BY SentAt DESC LIMIT 1",
            ("@person", person), ("@emailId", email), ("@at", at));
    }

    private static SendRow? Read(PreparedCommands sql, string text, params ReadOnlySpan<(string, object?)> parameters)
    {
        using var r = sql.Reader(text, parameters);
        return r.Read() ? new SendRow(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2)) : null;
    }

    /// <summary>Sets the person's Unsubscribed (once), with its audit entry; true when it changed.</summary>
    private static bool Unsubscribe(PreparedCommands sql, SendRow send, string actor, string source, DateTime now)
    {
        if (sql.Execute("UPDATE People SET Unsubscribed = 1, UpdatedAt = @now, Version = Version + 1 WHERE Id = @id AND NOT Unsubscribed",
                ("@now", now), ("@id", send.PersonId)) == 0)
        {
            return false;
        }

        sql.Execute("""
            INSERT INTO AuditEntries (PersonId, At, Actor, BounceEventId, Field, OldValue, NewValue, Reason)
            VALUES (@person, @at, @actor, NULL, 'Unsubscribed', 'false', 'true', @reason)
            """, ("@person", send.PersonId), ("@at", now), ("@actor", actor), ("@reason", $"Unsubscribed from send {send.Id} ({source})"));
        return true;
    }
}
