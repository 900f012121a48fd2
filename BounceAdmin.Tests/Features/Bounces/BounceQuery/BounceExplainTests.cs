using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Explain;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using static BounceAdmin.Tests.Features.Bounces.BounceQuery.BounceFixtures;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

public sealed class BounceExplainTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);
    private Dictionary<string, long> _ids = [];

    public async Task InitializeAsync() => _ids = await SeedAsync(_db, _clock);

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private Task<BounceExplanation?> ExplainAsync(string key)
        => new BounceQueryService(_db.Factory, FixedCurrentUser.For("m@test.local", Roles.Marketer)).ExplainAsync(_ids[key]);

    [Fact]
    public async Task Category2ExplainsTheDeadMailboxAndTheEmailInvalidChange()
    {
        var x = (await ExplainAsync(Invalid))!;

        Assert.Equal(2, x.Category);
        Assert.Equal(BounceKind.Hard, x.Kind);
        Assert.Equal("The receiving server says this mailbox does not exist.", x.ReasonText);
        Assert.StartsWith("550 5.1.1 <alice@gmail.com>", x.Diagnostic);
        Assert.Equal("5.1.1", x.Status!.Code);
        Assert.StartsWith("Permanent failure", x.Status.ClassText);
        Assert.Equal("addressing", x.Status.SubjectText);
        Assert.Contains("bad destination mailbox address", x.Status.DetailText);
        Assert.Contains("permanent", x.ReplyCodeText);
        Assert.Equal("status:5.1.1", x.Rule);
        Assert.Contains("5.1.1", x.RuleExplanation);
        Assert.Equal(BounceOutcome.Applied, x.Outcome);
        Assert.Contains("Email Invalid: false → true", x.Changes);
        Assert.Contains(x.Changes, c => c.StartsWith("Email Invalid Cause:", StringComparison.Ordinal));
        Assert.Null(x.NoChangeReason);
        Assert.Equal("Alice Adams", x.PersonName);
        Assert.NotNull(x.PersonId);
        Assert.Equal("Newsletter — November", x.EmailName);
        Assert.False(x.SuspectedFalsePositive);
        Assert.Contains(x.NextSteps, s => s.Contains("an Admin can uncheck Email Invalid", StringComparison.Ordinal));
        Assert.DoesNotContain(BounceAdvice.FalsePositiveReview, x.NextSteps);
    }

    [Fact]
    public async Task Category1ExplainsTheBlockAndTheSuspension()
    {
        var x = (await ExplainAsync(Blocked))!;

        Assert.Equal(1, x.Category);
        Assert.Equal(BounceDescriptions.Blocked, x.ReasonText);
        Assert.Equal("5.7.1", x.Status!.Code);
        Assert.Equal("security or policy", x.Status.SubjectText);
        Assert.Contains("delivery not authorized", x.Status.DetailText);
        Assert.Contains("Email Suspended: false → true", x.Changes);
        Assert.Contains(x.Changes, c => c.StartsWith("Email Suspended At:", StringComparison.Ordinal));
        Assert.Contains(x.NextSteps, s => s.Contains("sending reputation", StringComparison.Ordinal));
        Assert.Contains(x.NextSteps, s => s.Contains("zen.spamhaus.org", StringComparison.Ordinal));
        Assert.Contains(x.NextSteps, s => s.Contains("mailable again 24 hours", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuspectedFalsePositiveSuggestsAReview()
    {
        var x = (await ExplainAsync(FalsePositive))!;

        Assert.True(x.SuspectedFalsePositive);
        Assert.Equal(BounceAdvice.FalsePositiveReview, x.NextSteps[0]);
    }

    [Fact]
    public async Task SoftBounceSaysWhyNothingChanged()
    {
        var x = (await ExplainAsync(MailboxFull))!;

        Assert.Empty(x.Changes);
        Assert.Contains("soft bounces", x.NoChangeReason);
        Assert.Equal("The recipient's mailbox is full.", x.ReasonText);
        Assert.Equal("mailbox full", x.Status!.DetailText);
    }

    [Fact]
    public async Task UnmatchedAndNonBouncesAreExplainedAsSuch()
    {
        var unmatched = (await ExplainAsync(Unmatched))!;
        var vacation = (await ExplainAsync(Vacation))!;

        Assert.Null(unmatched.PersonId);
        Assert.Contains("No person has this address", unmatched.OutcomeText);
        Assert.Contains("No person has this address", unmatched.NextSteps[0]);
        Assert.Null(unmatched.Status);
        Assert.Equal(BounceOutcome.NotABounce, vacation.Outcome);
        Assert.Contains("automatic reply", vacation.ReasonText);
        Assert.Contains("not a bounce", vacation.NoChangeReason);
    }

    [Fact]
    public async Task StatusIsFoundInTheDiagnosticWhenTheBounceHasNone()
    {
        await new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)).ApplyAsync(new BounceInput(
            "carol@contoso.com", "toomanyconn", "k-no-status", Now.AddHours(-1), "dsn", Diagnostic: "421 4.7.0 Try again later, closing connection."));
        await using var db = _db.NewContext();
        _ids["k-no-status"] = db.BounceEvents.Single(b => b.DedupKey == "k-no-status").Id;

        var x = (await ExplainAsync("k-no-status"))!;

        Assert.Equal("4.7.0", x.Status!.Code);
        Assert.StartsWith("Persistent transient failure", x.Status.ClassText);
    }

    [Fact]
    public async Task AMissingBounceIsNull()
        => Assert.Null(await new BounceQueryService(_db.Factory, FixedCurrentUser.For("m@test.local", Roles.Marketer)).ExplainAsync(987654));

    private static class BounceDescriptions
    {
        public const string Blocked = "The receiving server refused our sending server or its IP address, often because of a block list.";
    }
}
