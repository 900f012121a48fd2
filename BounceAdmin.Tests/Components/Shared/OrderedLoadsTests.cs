using BounceAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace BounceAdmin.Tests.Components.Shared;

public sealed class OrderedLoadsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static TaskCompletionSource<T> Gate<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task ALaterLoadStartsOnlyAfterASlowerEarlierLoadHasFinished()
    {
        var loads = new OrderedLoads();
        var slow = Gate<string>();
        var firstDoneWhenSecondStarted = (bool?)null;

        var first = loads.RunAsync(() => slow.Task);
        var second = loads.RunAsync(() =>
        {
            firstDoneWhenSecondStarted = first.IsCompleted;
            return Task.FromResult("second");
        });

        Assert.Null(firstDoneWhenSecondStarted);
        Assert.False(second.IsCompleted);
        slow.SetResult("first");

        Assert.Equal("second", await second.WaitAsync(Timeout));
        Assert.Equal("first", await first);
        Assert.True(firstDoneWhenSecondStarted);
    }

    [Fact]
    public async Task LoadsRunInTheOrderTheyWereAskedFor()
    {
        var loads = new OrderedLoads();
        var started = new List<int>();
        var gates = Enumerable.Range(0, 3).Select(_ => Gate<int>()).ToArray();

        var tasks = Enumerable.Range(0, 3).Select(i => loads.RunAsync(() =>
        {
            lock (started)
            {
                started.Add(i);
            }

            return gates[i].Task;
        })).ToArray();

        // Finished out of order: the last one first. Only the first may have started.
        gates[2].SetResult(2);
        gates[1].SetResult(1);
        Assert.Equal([0], started);
        gates[0].SetResult(0);

        var results = await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.Equal(new[] { 0, 1, 2 }, results);
        Assert.Equal(new[] { 0, 1, 2 }, started);
    }

    [Fact]
    public async Task WithNothingInFlightALoadStartsAtOnce()
    {
        var loads = new OrderedLoads();
        var started = false;

        var task = loads.RunAsync(() =>
        {
            started = true;
            return Task.FromResult(1);
        });

        Assert.True(started);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(1, await task);
    }

    [Fact]
    public async Task AThrowingLoadFailsOnlyItsCallerAndTheNextLoadStillRuns()
    {
        var loads = new OrderedLoads();
        var slow = Gate<string>();

        var failing = loads.RunAsync(() => slow.Task);
        var next = loads.RunAsync(() => Task.FromResult("next"));
        slow.SetException(new InvalidOperationException("database gone"));

        Assert.Equal("next", await next.WaitAsync(Timeout));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("database gone", ex.Message);
    }

    [Fact]
    public async Task ALoadThatThrowsBeforeReturningATaskDoesNotBlockTheNext()
    {
        var loads = new OrderedLoads();

        var failing = loads.RunAsync<string>(() => throw new InvalidOperationException("bad filter"));
        var next = loads.RunAsync(() => Task.FromResult("next"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("next", await next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ACancelledLoadDoesNotBlockTheNext()
    {
        var loads = new OrderedLoads();
        using var cts = new CancellationTokenSource();
        var slow = Gate<string>();

        var cancelled = loads.RunAsync(async () =>
        {
            await slow.Task.WaitAsync(cts.Token);
            return "never";
        });
        var next = loads.RunAsync(() => Task.FromResult("next"));
        await cts.CancelAsync();

        Assert.Equal("next", await next.WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True(cancelled.IsCanceled);
    }

    [Fact]
    public async Task TheVoidOverloadKeepsTheOrderToo()
    {
        var loads = new OrderedLoads();
        var slow = Gate<bool>();
        var log = new List<string>();

        var first = loads.RunAsync(async () =>
        {
            await slow.Task;
            log.Add("first");
        });
        var second = loads.RunAsync(() =>
        {
            log.Add("second");
            return Task.CompletedTask;
        });
        slow.SetResult(true);

        await Task.WhenAll(first, second).WaitAsync(Timeout);
        Assert.Equal(["first", "second"], log);
    }

    /// <summary>
    /// On the circuit's dispatcher, as in a page: the grid takes the older load's result before the newer load starts,
    /// even when the newer load completes synchronously (SQLite queries do). Started inline from the older load's end,
    /// the newer result would reach the grid first and the older one would overwrite it.
    /// </summary>
    [Fact]
    public async Task OnTheDispatcherTheOlderResultReachesTheGridBeforeTheNewerLoadStarts()
    {
        var dispatcher = Dispatcher.CreateDefault();
        var loads = new OrderedLoads();
        var shown = new List<string>();
        var slow = Gate<string>();

        // What MudDataGrid does with ServerData: await the load, then show what it returned.
        Task Grid(Func<Task<string>> load) => dispatcher.InvokeAsync(async () => shown.Add(await loads.RunAsync(load)));

        var older = Grid(() => slow.Task);
        var newer = Grid(() => Task.FromResult("newer"));
        slow.SetResult("older");

        await Task.WhenAll(older, newer).WaitAsync(Timeout);
        Assert.Equal(["older", "newer"], shown);
    }
}
