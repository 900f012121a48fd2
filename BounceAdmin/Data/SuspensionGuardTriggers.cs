namespace BounceAdmin.Data;

/// <summary>
/// The two irreversible rules of SPEC §2, enforced by the database itself: Email Suspended never goes from true to
/// false, and Email Suspended At is never cleared or moved back. The services and EF's SaveChanges guard already refuse
/// both; these triggers also stop any raw SQL path (the bounce-apply session, a bulk script, a hand-typed UPDATE).
/// Created by the SuspensionTriggers migration; <b>a squashed migration must keep that <c>migrationBuilder.Sql</c>
/// call</b>. Times are stored as ISO-8601 text, which compares in time order.
/// </summary>
public static class SuspensionGuardTriggers
{
    /// <summary>The message SQLite raises when an UPDATE clears Email Suspended.</summary>
    public const string ClearedMessage = "Email Suspended can never be cleared.";

    /// <summary>The message SQLite raises when an UPDATE clears or moves back Email Suspended At.</summary>
    public const string MovedBackMessage = "Email Suspended At only moves forward.";

    public const string CreateSql = $"""
        CREATE TRIGGER People_EmailSuspended_NeverCleared BEFORE UPDATE OF EmailSuspended ON People
        WHEN OLD.EmailSuspended AND NOT NEW.EmailSuspended
        BEGIN
            SELECT RAISE(ABORT, '{ClearedMessage}');
        END;
        CREATE TRIGGER People_EmailSuspendedAt_OnlyForward BEFORE UPDATE OF EmailSuspendedAt ON People
        WHEN OLD.EmailSuspendedAt IS NOT NULL AND (NEW.EmailSuspendedAt IS NULL OR NEW.EmailSuspendedAt < OLD.EmailSuspendedAt)
        BEGIN
            SELECT RAISE(ABORT, '{MovedBackMessage}');
        END;
        """;

    public const string DropSql = """
        DROP TRIGGER IF EXISTS People_EmailSuspended_NeverCleared;
        DROP TRIGGER IF EXISTS People_EmailSuspendedAt_OnlyForward;
        """;
}
