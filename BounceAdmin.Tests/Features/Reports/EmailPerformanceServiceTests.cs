using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Reports;

public sealed class EmailPerformanceServiceTests : IDisposable
{
    private static readonly DateTime Now = TestData.Now;
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    private static EmailPerformanceFilter Frame(int? programId = null, int? emailId = null, bool hideDeleted = false)
        => new(Now.AddDays(-30), Now.AddDays(1), programId, emailId, hideDeleted);

    private EmailPerformanceService Manager => ReportTestData.Service(_db, _clock, Roles.Manager);

    public void Dispose() => _db.Dispose();

    private async Task<EmailPerformanceRow> OnlyRowAsync(EmailPerformanceFilter? filter = null)
    {
        var report = await Manager.GetReportAsync(filter ?? Frame());
        return Assert.Single(report.Rows);
    }

    [Fact]
    public async Task Rule1_EachSendIsExactlyOneOfDeliveredHardSoftPending()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var delivered = db.AddSend(email, db.AddPerson("d@x.com"), Now.AddDays(-1));
        db.AddEvent(delivered, EmailEventType.Delivered, Now.AddDays(-1));
        db.AddBounce(db.AddSend(email, db.AddPerson("h@x.com"), Now.AddDays(-1)), BounceKind.Hard);
        db.AddBounce(db.AddSend(email, db.AddPerson("s@x.com"), Now.AddDays(-1)), BounceKind.Soft);
        db.AddSend(email, db.AddPerson("p@x.com"), Now.AddDays(-1));

        var row = await OnlyRowAsync();

        Assert.Equal(4, row.Sent);
        Assert.Equal((1, 1, 1, 1), (row.Delivered, row.HardBounced, row.SoftBounced, row.Pending));
        Assert.Equal(row.Sent, row.Delivered + row.HardBounced + row.SoftBounced + row.Pending);
        Assert.Equal(0, row.Aborted);
    }

    [Fact]
    public async Task Rule2_OpenedSendCountsAsDelivered()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var send = db.AddSend(email, db.AddPerson("o@x.com"), Now.AddDays(-2));
        db.AddEvent(send, EmailEventType.Opened, Now.AddDays(-2));

        var row = await OnlyRowAsync();

        Assert.Equal((1, 1, 0), (row.Delivered, row.Opened, row.Pending));
    }

    [Fact]
    public async Task Rule3_ClickOrUnsubscribeCountsAsDeliveredAndOpened()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var clicked = db.AddSend(email, db.AddPerson("c@x.com"), Now.AddDays(-2));
        db.AddEvent(clicked, EmailEventType.Clicked, Now.AddDays(-2));
        var unsubscribed = db.AddSend(email, db.AddPerson("u@x.com"), Now.AddDays(-2));
        db.AddEvent(unsubscribed, EmailEventType.Unsubscribed, Now.AddDays(-2));

        var row = await OnlyRowAsync();

        Assert.Equal(2, row.Delivered);
        Assert.Equal(2, row.Opened);
        Assert.Equal(1, row.Clicked);
        Assert.Equal(1, row.Unsubscribed);
        Assert.Equal(0, row.Pending);
    }

    [Fact]
    public async Task Rule4_OpenIgnoresBouncesAndHardBeatsSoftBeatsDelivered()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var openedAndHard = db.AddSend(email, db.AddPerson("a@x.com"), Now.AddDays(-2));
        db.AddEvent(openedAndHard, EmailEventType.Opened, Now.AddDays(-2));
        db.AddBounce(openedAndHard, BounceKind.Hard);
        var all = db.AddSend(email, db.AddPerson("b@x.com"), Now.AddDays(-2));
        db.AddEvent(all, EmailEventType.Delivered, Now.AddDays(-2));
        db.AddBounce(all, BounceKind.Soft);
        db.AddBounce(all, BounceKind.Hard);
        var softAndDelivered = db.AddSend(email, db.AddPerson("c@x.com"), Now.AddDays(-2));
        db.AddEvent(softAndDelivered, EmailEventType.Delivered, Now.AddDays(-2));
        db.AddBounce(softAndDelivered, BounceKind.Soft);

        var row = await OnlyRowAsync();

        Assert.Equal(3, row.Sent);
        Assert.Equal((1, 1, 1), (row.Delivered, row.HardBounced, row.SoftBounced));
        Assert.Equal(1, row.Opened);
    }

    [Fact]
    public async Task Rule5_NoOutcomeThreeDaysAfterSendingIsAbortedWithinPending()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        db.AddSend(email, db.AddPerson("exactly3@x.com"), Now.AddDays(-3));
        db.AddSend(email, db.AddPerson("almost3@x.com"), Now.AddDays(-3).AddSeconds(1));
        db.AddSend(email, db.AddPerson("old@x.com"), Now.AddDays(-10));
        var delivered = db.AddSend(email, db.AddPerson("delivered@x.com"), Now.AddDays(-10));
        db.AddEvent(delivered, EmailEventType.Delivered, Now.AddDays(-10));
        var bounced = db.AddSend(email, db.AddPerson("bounced@x.com"), Now.AddDays(-10));
        db.AddBounce(bounced, BounceKind.Soft);

        var row = await OnlyRowAsync();
        Assert.Equal(3, row.Pending);
        Assert.Equal(2, row.Aborted);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var later = await OnlyRowAsync();
        Assert.Equal(3, later.Aborted);
        Assert.Equal(3, later.Pending);
    }

    [Fact]
    public async Task RepeatedSendsOfOneEmailToOnePersonCountOnceWithTheBestOutcome()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var ann = db.AddPerson("ann@x.com");
        db.AddBounce(db.AddSend(email, ann, Now.AddDays(-9)), BounceKind.Hard);
        var second = db.AddSend(email, ann, Now.AddDays(-5));
        db.AddEvent(second, EmailEventType.Delivered, Now.AddDays(-5));
        db.AddSend(email, ann, Now.AddDays(-1));
        var bob = db.AddPerson("bob@x.com");
        db.AddSend(email, bob, Now.AddDays(-9));
        db.AddSend(email, bob, Now.AddDays(-1));

        var row = await OnlyRowAsync();

        Assert.Equal(2, row.Sent);
        Assert.Equal(1, row.Delivered);
        Assert.Equal(0, row.HardBounced);
        Assert.Equal(1, row.Pending);
        Assert.Equal(0, row.Aborted); // Bob's latest send is one day old: still on its way.
    }

    [Fact]
    public async Task EngagementPercentagesAreOverDeliveredAndBouncesOverSent()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var opened = db.AddSend(email, db.AddPerson("o@x.com"), Now.AddDays(-5));
        db.AddEvent(opened, EmailEventType.Opened, Now.AddDays(-5));
        db.AddEvent(opened, EmailEventType.Clicked, Now.AddDays(-5));
        var delivered = db.AddSend(email, db.AddPerson("d@x.com"), Now.AddDays(-5));
        db.AddEvent(delivered, EmailEventType.Delivered, Now.AddDays(-5));
        db.AddBounce(db.AddSend(email, db.AddPerson("h@x.com"), Now.AddDays(-5)), BounceKind.Hard);
        db.AddBounce(db.AddSend(email, db.AddPerson("s@x.com"), Now.AddDays(-5)), BounceKind.Soft);

        var row = await OnlyRowAsync();

        Assert.Equal(50.0, row.PercentDelivered);
        Assert.Equal(25.0, row.PercentHardBounced);
        Assert.Equal(25.0, row.PercentSoftBounced);
        Assert.Equal(50.0, row.PercentOpened);     // 1 of 2 delivered, not 1 of 4 sent
        Assert.Equal(50.0, row.PercentClicked);
        Assert.Equal(100.0, row.ClickedToOpened);
        Assert.Equal(0.0, row.PercentUnsubscribed);
    }

    [Fact]
    public async Task NoDeliveriesGiveNoEngagementPercentages()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        db.AddBounce(db.AddSend(email, db.AddPerson("h@x.com"), Now.AddDays(-5)), BounceKind.Hard);

        var row = await OnlyRowAsync();

        Assert.Null(row.PercentOpened);
        Assert.Null(row.ClickedToOpened);
        Assert.Equal(100.0, row.PercentHardBounced);
    }

    [Fact]
    public async Task TimeFrameIncludesItsStartAndExcludesItsEnd()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        var from = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 11, 8, 0, 0, 0, DateTimeKind.Utc);
        db.AddSend(email, db.AddPerson("before@x.com"), from.AddTicks(-10));
        db.AddSend(email, db.AddPerson("start@x.com"), from);
        db.AddSend(email, db.AddPerson("last@x.com"), to.AddTicks(-10));
        db.AddSend(email, db.AddPerson("end@x.com"), to);

        var report = await Manager.GetReportAsync(new EmailPerformanceFilter(from, to));
        var people = await Manager.GetPeopleAsync(new EmailPerformanceFilter(from, to), EmailPerformanceMetric.Sent, 0, 10);

        Assert.Equal(2, Assert.Single(report.Rows).Sent);
        Assert.Equal(["last@x.com", "start@x.com"], people.Items.Select(p => p.Email));
    }

    [Fact]
    public async Task ProgramAndEmailFiltersKeepOnlyTheirEmails()
    {
        using var db = _db.NewContext();
        var a1 = db.AddEmail("A one", "Program A");
        var a2 = db.AddEmail("A two", "Program A");
        var b1 = db.AddEmail("B one", "Program B");
        var p = db.AddPerson("p@x.com");
        db.AddSend(a1, p, Now.AddDays(-1));
        db.AddSend(a2, p, Now.AddDays(-1));
        db.AddSend(b1, p, Now.AddDays(-1));

        var programA = a1.ProgramId;
        var byProgram = await Manager.GetReportAsync(Frame(programId: programA));
        var byEmail = await Manager.GetReportAsync(Frame(emailId: a2.Id));
        var all = await Manager.GetReportAsync(Frame());

        Assert.Equal(["A one", "A two"], byProgram.Rows.Select(r => r.EmailName));
        Assert.Equal(2, byProgram.Totals.Sent);
        Assert.Equal("A two", Assert.Single(byEmail.Rows).EmailName);
        Assert.Equal(3, all.Totals.Sent);
        Assert.Equal(["Program A", "Program B"], (await Manager.GetProgramsAsync()).Select(o => o.Name));
        Assert.Equal(["A one", "A two"], (await Manager.GetEmailsAsync(programA)).Select(o => o.Name));
    }

    [Fact]
    public async Task HideDeletedPeopleLeavesOutTheirSends()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        db.AddSend(email, db.AddPerson("alive@x.com"), Now.AddDays(-1));
        var gone = db.AddSend(email, db.AddPerson("gone@x.com", p => p.IsDeleted = true), Now.AddDays(-1));
        db.AddEvent(gone, EmailEventType.Opened, Now.AddDays(-1));

        var shown = await OnlyRowAsync(Frame());
        var hidden = await OnlyRowAsync(Frame(hideDeleted: true));
        var people = await Manager.GetPeopleAsync(Frame(hideDeleted: true), EmailPerformanceMetric.Sent, 0, 10);

        Assert.Equal((2, 1), (shown.Sent, shown.Opened));
        Assert.Equal((1, 0), (hidden.Sent, hidden.Opened));
        Assert.Equal("alive@x.com", Assert.Single(people.Items).Email);
    }

    [Fact]
    public async Task BouncesCountThroughTheirSendOrAsAppliedBouncesOfThePersonAndEmail()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        // Applied to the person, no send matched: belongs to the person's send of that email.
        db.AddBounce(db.AddSend(email, db.AddPerson("applied@x.com"), Now.AddDays(-2)), BounceKind.Hard, linkSend: false);
        // Neither linked nor applied: does not count.
        db.AddBounce(db.AddSend(email, db.AddPerson("unmatched@x.com"), Now.AddDays(-2)), BounceKind.Hard, linkSend: false, outcome: BounceOutcome.Unmatched);
        // Not a bounce at all, although linked: does not count.
        db.AddBounce(db.AddSend(email, db.AddPerson("none@x.com"), Now.AddDays(-2)), BounceKind.None, outcome: BounceOutcome.NotABounce);
        // An unlinked bounce from before the send answers an earlier message: does not count.
        var early = db.AddSend(email, db.AddPerson("early@x.com"), Now.AddDays(-2));
        db.AddBounce(early, BounceKind.Soft, at: Now.AddDays(-20), linkSend: false);

        var row = await OnlyRowAsync();

        Assert.Equal(1, row.HardBounced);
        Assert.Equal(0, row.SoftBounced);
        Assert.Equal(3, row.Pending);
    }

    [Fact]
    public async Task DrillDownReturnsExactlyThePeopleBehindEachCount()
    {
        using var db = _db.NewContext();
        var news = db.AddEmail("Newsletter");
        var promo = db.AddEmail("Promo");
        var o = db.AddPerson("opened@x.com");
        var c = db.AddPerson("clicked@x.com");
        var h = db.AddPerson("hard@x.com");
        var s = db.AddPerson("soft@x.com");
        var a = db.AddPerson("aborted@x.com");
        var p = db.AddPerson("pending@x.com");
        db.AddEvent(db.AddSend(news, o, Now.AddDays(-5)), EmailEventType.Opened, Now.AddDays(-5));
        db.AddEvent(db.AddSend(news, c, Now.AddDays(-5)), EmailEventType.Clicked, Now.AddDays(-5));
        db.AddEvent(db.AddSend(promo, c, Now.AddDays(-5)), EmailEventType.Unsubscribed, Now.AddDays(-5));
        db.AddBounce(db.AddSend(news, h, Now.AddDays(-5)), BounceKind.Hard);
        db.AddBounce(db.AddSend(promo, s, Now.AddDays(-5)), BounceKind.Soft);
        db.AddSend(news, a, Now.AddDays(-5));
        db.AddSend(promo, p, Now.AddDays(-1));

        var report = await Manager.GetReportAsync(Frame());
        var expected = new Dictionary<EmailPerformanceMetric, string[]>
        {
            [EmailPerformanceMetric.Sent] = ["aborted@x.com", "clicked@x.com", "clicked@x.com", "hard@x.com", "opened@x.com", "pending@x.com", "soft@x.com"],
            [EmailPerformanceMetric.Delivered] = ["clicked@x.com", "clicked@x.com", "opened@x.com"],
            [EmailPerformanceMetric.HardBounced] = ["hard@x.com"],
            [EmailPerformanceMetric.SoftBounced] = ["soft@x.com"],
            [EmailPerformanceMetric.Pending] = ["aborted@x.com", "pending@x.com"],
            [EmailPerformanceMetric.Aborted] = ["aborted@x.com"],
            [EmailPerformanceMetric.Opened] = ["clicked@x.com", "clicked@x.com", "opened@x.com"],
            [EmailPerformanceMetric.Clicked] = ["clicked@x.com"],
            [EmailPerformanceMetric.Unsubscribed] = ["clicked@x.com"],
        };

        foreach (var metric in Enum.GetValues<EmailPerformanceMetric>())
        {
            var all = await Manager.GetPeopleAsync(Frame(), metric, 0, 100);
            Assert.Equal(expected[metric], all.Items.Select(x => x.Email!));
            Assert.Equal(report.Totals.Count(metric), all.TotalCount);

            // Per email, the drill-down total is the row's count, and the rows add up to the totals drill-down.
            var perEmail = 0;
            foreach (var row in report.Rows)
            {
                var one = await Manager.GetPeopleAsync(Frame(emailId: row.EmailId), metric, 0, 100);
                Assert.Equal(row.Count(metric), one.TotalCount);
                Assert.All(one.Items, x => Assert.Equal(row.EmailId, x.EmailId));
                perEmail += one.TotalCount;
            }

            Assert.Equal(all.TotalCount, perEmail);
        }

        var aborted = Assert.Single((await Manager.GetPeopleAsync(Frame(), EmailPerformanceMetric.Aborted, 0, 10)).Items);
        Assert.Equal(("Aborted", a.Id, "Newsletter"), (aborted.Outcome, aborted.PersonId, aborted.EmailName));
    }

    [Fact]
    public async Task DrillDownPagesAndSorts()
    {
        using var db = _db.NewContext();
        var email = db.AddEmail("Newsletter");
        for (var i = 0; i < 5; i++)
        {
            db.AddSend(email, db.AddPerson($"p{i}@x.com"), Now.AddDays(-1).AddMinutes(i));
        }

        var first = await Manager.GetPeopleAsync(Frame(), EmailPerformanceMetric.Sent, 0, 2);
        var last = await Manager.GetPeopleAsync(Frame(), EmailPerformanceMetric.Sent, 2, 2);
        var beyond = await Manager.GetPeopleAsync(Frame(), EmailPerformanceMetric.Sent, 7, 2);
        var newest = await Manager.GetPeopleAsync(Frame(), EmailPerformanceMetric.Sent, 0, 1, EmailPerformancePeopleSort.LastSentAt, descending: true);

        Assert.Equal(["p0@x.com", "p1@x.com"], first.Items.Select(p => p.Email));
        Assert.Equal(["p4@x.com"], last.Items.Select(p => p.Email));
        Assert.Equal((5, 5, 5), (first.TotalCount, last.TotalCount, beyond.TotalCount));
        Assert.Empty(beyond.Items);
        Assert.Equal("p4@x.com", Assert.Single(newest.Items).Email);
        Assert.Equal(DateTimeKind.Utc, newest.Items[0].LastSentAt.Kind);
        Assert.Equal(Now.AddDays(-1).AddMinutes(4), newest.Items[0].LastSentAt);
    }

    [Fact]
    public async Task TotalsAddUpTheRowsAndEmptyFramesGiveNoRows()
    {
        using var db = _db.NewContext();
        var a = db.AddEmail("A");
        var b = db.AddEmail("B");
        db.AddEvent(db.AddSend(a, db.AddPerson("1@x.com"), Now.AddDays(-1)), EmailEventType.Opened, Now);
        db.AddSend(b, db.AddPerson("2@x.com"), Now.AddDays(-1));
        db.AddSend(b, db.AddPerson("3@x.com"), Now.AddDays(-1));

        var report = await Manager.GetReportAsync(Frame());
        var empty = await Manager.GetReportAsync(new EmailPerformanceFilter(Now.AddYears(-2), Now.AddYears(-1)));

        Assert.Null(report.Totals.EmailId);
        Assert.Equal((3, 1, 2, 1), (report.Totals.Sent, report.Totals.Delivered, report.Totals.Pending, report.Totals.Opened));
        Assert.Equal(100.0, report.Totals.PercentOpened);
        Assert.Empty(empty.Rows);
        Assert.Equal(0, empty.Totals.Sent);
    }

    [Fact]
    public async Task RejectsAFrameThatIsNotUtcOrEndsBeforeItStarts()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.GetReportAsync(new EmailPerformanceFilter(Now, Now)));
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.GetReportAsync(
            new EmailPerformanceFilter(DateTime.SpecifyKind(Now, DateTimeKind.Unspecified), Now.AddDays(1))));
    }
}
