using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Identity;

namespace BounceAdmin.Features.Bounces.Sources;

/// <summary>
/// The loop shared by the automatic bounce sources: poll, report to the status board, wait, and back off while polls
/// fail. A source only fetches messages and hands them to <see cref="BounceIngestService"/>; it never classifies or
/// applies anything itself. Each poll runs in its own DI scope as a system user with the Admin role, named after the
/// source (the source name is also written on every bounce, so audit entries say where a change came from).
/// </summary>
public abstract class PollingBounceSource(
    IServiceScopeFactory scopes,
    BounceSourceStatusBoard board,
    TimeProvider clock,
    ILogger logger) : BackgroundService
{
    /// <summary>The longest wait between failing polls, however many failed in a row.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    /// <summary>The clock for the status times and the sources' own decisions (settle times, file names).</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The name written on bounces and in the status ("dropfolder", "imap").</summary>
    public abstract string Source { get; }

    /// <summary>A human name for the status line.</summary>
    protected abstract string DisplayName { get; }

    /// <summary>What one item is, for the status line: "files", or "messages" when an item is one message.</summary>
    protected abstract string ItemName { get; }

    /// <summary>True when the configuration names something to poll; otherwise the service does nothing at all.</summary>
    protected abstract bool IsConfigured { get; }

    /// <summary>What is watched, for the status line; never a credential.</summary>
    protected abstract string? Target { get; }

    /// <summary>The wait between successful polls.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Fetches what is new, hands it to <paramref name="ingest"/>, and moves on what was committed.</summary>
    protected abstract Task<BounceSourceRun> PollAsync(BounceIngestService ingest, CancellationToken ct);

    /// <summary>A status-line text for an unexpected failure of a poll; never includes a secret.</summary>
    protected virtual string Describe(Exception ex) => ex is BounceSourceException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>
    /// One poll, as the loop runs it: never throws except for cancellation. The loop calls this on its timer; tests call
    /// it directly instead of waiting.
    /// </summary>
    public async Task<BounceSourceRun> RunOnceAsync(CancellationToken ct = default)
    {
        if (board.Get(Source) is null)
        {
            board.Start(Source, DisplayName, IsConfigured, Target, ItemName);
        }

        BounceSourceRun run;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var ingest = ActivatorUtilities.CreateInstance<BounceIngestService>(
                scope.ServiceProvider, FixedCurrentUser.For("system:" + Source, Roles.Admin));
            run = await PollAsync(ingest, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Anything (network, database, file system) ends this poll only: an exception leaving a BackgroundService
            // would stop the whole app.
            logger.LogError(ex, "Bounce source {Source}: the poll failed; it is retried with back-off", Source);
            run = BounceSourceRun.Failed(Describe(ex));
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        if (run.Succeeded)
        {
            board.RecordRun(Source, now, run.Items, run.FailedItems, run.Summary, run.Problem);
        }
        else
        {
            board.RecordFailure(Source, now, run.Problem ?? "The poll failed.");
        }

        return run;
    }

    /// <summary>The wait before the next poll: the interval, doubled for each failure in a row, at most <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan NextDelay(TimeSpan interval, int consecutiveFailures)
    {
        if (consecutiveFailures <= 0)
        {
            return interval;
        }

        var ceiling = interval > MaxBackoff ? interval : MaxBackoff;
        var factor = Math.Pow(2, Math.Min(consecutiveFailures, 20));
        return TimeSpan.FromTicks((long)Math.Min(ceiling.Ticks, interval.Ticks * factor));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        board.Start(Source, DisplayName, IsConfigured, Target, ItemName);
        if (!IsConfigured)
        {
            logger.LogInformation("Bounce source {Source} is not configured and stays off", Source);
            return;
        }

        logger.LogInformation("Bounce source {Source} polls {Target} every {Interval}", Source, Target, PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                var failures = board.Get(Source)?.ConsecutiveFailures ?? 0;
                await Task.Delay(NextDelay(PollInterval, failures), Clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
