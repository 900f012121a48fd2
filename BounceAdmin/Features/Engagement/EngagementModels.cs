using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Engagement;

/// <summary>
/// One send coming in (API, <c>import sends</c>, the seeder): which email (by <paramref name="EmailExternalId"/> or by
/// <paramref name="EmailName"/>, within <paramref name="Program"/> when given), to whom, when, and the sender's ids.
/// </summary>
/// <param name="EmailName">The email's name; with <paramref name="Program"/>, a new email is created under that program.</param>
/// <param name="EmailExternalId">The sending platform's id of the email; matched before the name.</param>
/// <param name="Program">The program (folder) of the email; created with the email when new.</param>
/// <param name="Recipient">The address the send went to; matched to a person case-insensitively.</param>
/// <param name="SentAt">When it was sent; any offset, stored as UTC.</param>
/// <param name="ExternalId">The sending platform's id of the send: a second send with the same id changes nothing.</param>
/// <param name="MessageId">The Message-ID header of the sent message (angle brackets optional): bounces are matched on it.</param>
public sealed record SendRecord(
    string? EmailName,
    string? EmailExternalId,
    string? Program,
    string Recipient,
    DateTimeOffset SentAt,
    string? ExternalId,
    string? MessageId);

/// <summary>What became of one send of a batch.</summary>
public enum SendItemStatus
{
    /// <summary>Stored as a new send.</summary>
    Created,

    /// <summary>A send with this external id (or, without one, this Message-ID) exists already: nothing changed.</summary>
    Duplicate,

    /// <summary>Nobody has the recipient address and the request did not ask to create people: not stored.</summary>
    UnknownRecipient,
}

/// <param name="Index">The item's position in the batch (0-based).</param>
/// <param name="SendId">The app's id of the send (new or existing); a sender may echo it in an <c>X-BounceAdmin-Send</c> header.</param>
public sealed record SendItemResult(int Index, SendItemStatus Status, long? SendId, string? ExternalId);

public sealed record SendBatchResult(
    int Created,
    int Duplicates,
    int UnknownRecipients,
    int PeopleCreated,
    int EmailsCreated,
    IReadOnlyList<SendItemResult> Items);

/// <summary>
/// One delivery or engagement event coming in. The send is found by <paramref name="SendId"/> (the app's own id),
/// <paramref name="ExternalSendId"/>, <paramref name="MessageId"/>, or the email (<paramref name="EmailExternalId"/> or
/// <paramref name="EmailName"/>) + <paramref name="Recipient"/> (the latest such send at or before the event), in that order.
/// </summary>
/// <param name="DedupKey">
/// The event's own stable key (a provider's event id, the caller's external id); null derives one from the send, type and
/// time, so the same event posted twice is stored once either way.
/// </param>
public sealed record EventRecord(
    EmailEventType Type,
    DateTimeOffset OccurredAt,
    long? SendId = null,
    string? ExternalSendId = null,
    string? MessageId = null,
    string? EmailName = null,
    string? EmailExternalId = null,
    string? Recipient = null,
    string? DedupKey = null);

public enum EventItemStatus
{
    Recorded,

    /// <summary>The same event was recorded before: nothing changed.</summary>
    Duplicate,

    /// <summary>No send matches: not stored.</summary>
    Unmatched,
}

public sealed record EventItemResult(int Index, EventItemStatus Status, long? SendId);

public sealed record EventBatchResult(int Recorded, int Duplicates, int Unmatched, int Unsubscribed, IReadOnlyList<EventItemResult> Items);

/// <summary>One thing wrong with one item of a batch, named by its position and field.</summary>
public sealed record ItemError(int Index, string Field, string Message)
{
    public override string ToString() => Index < 0 ? Message : $"item {Index}, '{Field}': {Message}";
}

/// <summary>A batch refused as a whole: nothing of it was stored.</summary>
public sealed class BatchRejectedException(IReadOnlyList<ItemError> errors)
    : Exception(errors.Count == 0 ? "The batch was refused." : $"The batch was refused, nothing was stored: {string.Join("; ", errors.Take(5))}"
        + (errors.Count > 5 ? $" (and {errors.Count - 5} more)" : ""))
{
    public IReadOnlyList<ItemError> Errors { get; } = errors;
}
