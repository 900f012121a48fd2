namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// The Mailgun signature tokens seen within the timestamp tolerance, so a captured request cannot be replayed. Bounded:
/// tokens older than the tolerance are dropped (their requests are refused as stale anyway), and past
/// <see cref="Capacity"/> the oldest go first.
/// </summary>
public sealed class MailgunTokenCache
{
    /// <summary>Most tokens kept (about 100 bytes each).</summary>
    public const int Capacity = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Token, DateTimeOffset At)> _order = new();

    /// <summary>Records <paramref name="token"/>; false when it was already used (a replay).</summary>
    public bool TryUse(string token, DateTimeOffset now, TimeSpan tolerance)
    {
        lock (_lock)
        {
            while (_order.Count > 0 && (now - _order.Peek().At > tolerance || _order.Count >= Capacity))
            {
                var (old, at) = _order.Dequeue();
                if (_seen.TryGetValue(old, out var seenAt) && seenAt == at)
                {
                    _seen.Remove(old);
                }
            }

            if (!_seen.TryAdd(token, now))
            {
                return false;
            }

            _order.Enqueue((token, now));
            return true;
        }
    }

    /// <summary>Forgets <paramref name="token"/> (its request failed to store, so the provider's retry must pass).</summary>
    public void Release(string token)
    {
        lock (_lock)
        {
            _seen.Remove(token);
        }
    }
}
