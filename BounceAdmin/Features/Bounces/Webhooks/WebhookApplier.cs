using BounceAdmin.Identity;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// Applies a webhook request's events through <see cref="BounceRulesService"/>: all of them in one transaction or, on
/// error, none. The caller is the system identity the endpoint creates after the signature check; like every service
/// that changes people, this one checks the role itself.
/// </summary>
public sealed class WebhookApplier(BounceRulesService rules)
{
    /// <summary>Applies <paramref name="inputs"/> (Admin, i.e. the webhook's system identity, only) and counts the outcomes.</summary>
    /// <exception cref="ForbiddenException">The caller is not an Admin.</exception>
    /// <param name="busyTimeout">How long to wait for SQLite's write lock (null: the app's default); then a SqliteException (busy) is thrown.</param>
    public async Task<WebhookSummary> ApplyAsync(ICurrentUser caller, IReadOnlyList<BounceInput> inputs, int ignored, CancellationToken ct,
        TimeSpan? busyTimeout = null)
    {
        await caller.RequireRoleAsync(Roles.Admin);
        var summary = new WebhookSummary { Ignored = ignored };
        if (inputs.Count == 0)
        {
            return summary;
        }

        IReadOnlyList<ApplyResult> results;
        var acting = rules.ActingAs(caller);
        await using (var session = busyTimeout is { } t ? await acting.OpenSessionAsync(t, ct) : await acting.OpenSessionAsync(ct))
        {
            results = await session.ApplyManyAsync(inputs, ct);
        }

        for (var i = 0; i < results.Count; i++)
        {
            switch (results[i].Outcome)
            {
                case ApplyOutcome.Duplicate: summary.Duplicates++; break;
                case ApplyOutcome.NotABounce: summary.NotBounces++; break;
                case ApplyOutcome.Unmatched: summary.Unmatched++; break;
                case ApplyOutcome.Held: summary.Held++; break;
                default: summary.Applied++; break;
            }
        }

        return summary;
    }

    /// <summary>The identity a webhook acts as once its signature or credentials are checked (named by its source).</summary>
    public static ICurrentUser SystemIdentity(string source) => FixedCurrentUser.For(source, Roles.Admin);
}
