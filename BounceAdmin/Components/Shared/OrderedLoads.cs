namespace BounceAdmin.Components.Shared;

/// <summary>
/// Runs a page's loads one after another, in the order they were asked for.
/// </summary>
/// <remarks>
/// A page that assigns a load's result to its own state (the person shown, an email's name, an error) shows whichever
/// result arrives last: when a slow older load (the previous URL or filter) finishes after a newer one, the old result
/// would be shown under the new URL. Running the loads in order makes the last-asked load also the last to land.
/// (A MudDataGrid 9 <c>ServerData</c> grid already drops the rows of a load it has superseded: it cancels that load's
/// token and ignores its result. The grid pages use this too, so what a load writes on the page keeps the same order.)
/// A page should read its filter inside the load delegate, so a load that had to wait reads the filter as it is when it
/// starts. One instance per page; a load that never ends blocks the ones after it, so loads should honour their
/// cancellation token.
/// </remarks>
public sealed class OrderedLoads
{
    // Completes after the last load asked for so far has finished, whatever its outcome; never faults.
    private Task _tail = Task.CompletedTask;

    /// <summary>
    /// Starts <paramref name="load"/> once every load asked for before it has finished (succeeded, thrown or been
    /// cancelled), and returns its result. Its exception or cancellation goes to the caller only; the next load
    /// still runs.
    /// </summary>
    /// <typeparam name="T">What the load returns.</typeparam>
    /// <param name="load">The load; it runs on the caller's synchronization context (the circuit's dispatcher).</param>
    public Task<T> RunAsync<T>(Func<Task<T>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = Interlocked.Exchange(ref _tail, finished.Task);
        var task = RunAfterAsync(previous, load);

        // Released from the thread pool, never inline: the next load then resumes by a post to the dispatcher, after
        // this load's callers have taken its result (the grid has shown it). Run inline, the next load could start,
        // and with a synchronous query even finish and be shown, before this load's result reached the grid.
        _ = task.ContinueWith(
            static (_, state) => ((TaskCompletionSource)state!).SetResult(),
            finished,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>As <see cref="RunAsync{T}(Func{Task{T}})"/>, for a load that sets the page's state itself.</summary>
    /// <param name="load">The load; it runs on the caller's synchronization context (the circuit's dispatcher).</param>
    public Task RunAsync(Func<Task> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return RunAsync(async () =>
        {
            await load();
            return true;
        });
    }

    private static async Task<T> RunAfterAsync<T>(Task previous, Func<Task<T>> load)
    {
        // Nothing in flight: start at once, as a plain load would.
        if (!previous.IsCompleted)
        {
            await previous;
        }

        return await load();
    }
}
