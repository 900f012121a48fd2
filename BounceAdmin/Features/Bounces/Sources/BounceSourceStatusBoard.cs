using BounceAdmin.Features.Bounces.Ingestion;

namespace BounceAdmin.Features.Bounces.Sources;

/// <summary>
/// The singleton the background sources report to and the Bounces page reads from. Read it through
/// <see cref="BounceSourceStatusService"/> (which checks the Admin role); the sources write to it directly.
/// </summary>
public sealed class BounceSourceStatusBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BounceSourceStatus> _sources = new(StringComparer.Ordinal);

    /// <summary>Raised after any change, so an open page can refresh itself.</summary>
    public event Action? Changed;

    /// <summary>The current status of every source that has started, in name order.</summary>
    public IReadOnlyList<BounceSourceStatus> All
    {
        get
        {
            lock (_lock)
            {
                return _sources.Values.OrderBy(s => s.DisplayName, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>The status of one source, or null before it started.</summary>
    public BounceSourceStatus? Get(string source)
    {
        lock (_lock)
        {
            return _sources.GetValueOrDefault(source);
        }
    }

    /// <summary>Records that a source started (enabled) or found no configuration (disabled); counts start at zero.</summary>
    public void Start(string source, string displayName, bool enabled, string? target, string itemName)
        => Set(source, _ => new BounceSourceStatus(source, displayName, enabled, target, itemName));

    /// <summary>Adds one poll's work; <paramref name="problem"/> is a per-item problem that did not stop the poll.</summary>
    public void RecordRun(string source, DateTime at, int items, int failedItems, IngestSummary summary, string? problem)
        => Update(source, s => s with
        {
            LastRunAt = at,
            LastSuccessAt = at,
            LastError = problem,
            ConsecutiveFailures = 0,
            Items = s.Items + items,
            FailedItems = s.FailedItems + failedItems,
            Messages = s.Messages + summary.Messages,
            Applied = s.Applied + summary.Applied,
            Quarantined = s.Quarantined + summary.Errors,
        });

    /// <summary>Records a poll that failed as a whole (connection, sign-in, missing folder, database).</summary>
    public void RecordFailure(string source, DateTime at, string error)
        => Update(source, s => s with { LastRunAt = at, LastError = error, ConsecutiveFailures = s.ConsecutiveFailures + 1 });

    private void Update(string source, Func<BounceSourceStatus, BounceSourceStatus> change)
        => Set(source, current => change(current ?? throw new InvalidOperationException($"The source {source} has not started.")));

    private void Set(string source, Func<BounceSourceStatus?, BounceSourceStatus> change)
    {
        lock (_lock)
        {
            _sources[source] = change(_sources.GetValueOrDefault(source));
        }

        if (Changed is not { } changed)
        {
            return;
        }

        foreach (var handler in changed.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception)
            {
                // A page that is closing must not stop a background source: the exception would end its loop.
            }
        }
    }
}
