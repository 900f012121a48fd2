using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Reports;

/// <summary>Every method of the report service checks the role: Managers and Admins read, Marketers are refused.</summary>
public sealed class EmailPerformanceRoleTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private static readonly EmailPerformanceFilter Frame = new(TestData.Now.AddDays(-7), TestData.Now.AddDays(1));

    // A report as a page holds it; exporting it must still be refused to a Marketer.
    private static readonly EmailPerformanceReport Shown = new(Frame, TestData.Now,
        [new EmailPerformanceRow(1, "Newsletter", 1, 0, 0, 0, 1, 0, 0, 0, 0)], new EmailPerformanceRow(null, "Total", 1, 0, 0, 0, 1, 0, 0, 0, 0));

    public static TheoryData<string> Calls => ["report", "people", "programs", "emails", "export-csv", "export-xlsx", "export-people", "export-shown"];

    private static Task CallAsync(EmailPerformanceService service, string call) => call switch
    {
        "report" => service.GetReportAsync(Frame),
        "people" => service.GetPeopleAsync(Frame, EmailPerformanceMetric.Delivered, 0, 10),
        "programs" => service.GetProgramsAsync(),
        "emails" => service.GetEmailsAsync(),
        "export-csv" => service.ExportReportAsync(Frame, ReportFileFormat.Csv),
        "export-xlsx" => service.ExportReportAsync(Frame, ReportFileFormat.Excel),
        "export-people" => service.ExportPeopleAsync(Frame, EmailPerformanceMetric.Sent, ReportFileFormat.Csv),
        "export-shown" => service.ExportReportAsync(Shown, ReportFileFormat.Excel),
        _ => throw new ArgumentOutOfRangeException(nameof(call)),
    };

    private void Seed()
    {
        using var db = _db.NewContext();
        db.AddSend(db.AddEmail("Newsletter"), db.AddPerson("ann@x.com"), TestData.Now.AddDays(-1));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task MarketerIsForbidden(string call)
    {
        Seed();
        var service = ReportTestData.Service(_db, _clock, Roles.Marketer);
        await Assert.ThrowsAsync<ForbiddenException>(() => CallAsync(service, call));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task AnonymousIsForbidden(string call)
    {
        var service = new EmailPerformanceService(_db.Factory, FixedCurrentUser.Anonymous, _clock);
        await Assert.ThrowsAsync<ForbiddenException>(() => CallAsync(service, call));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task ManagerIsAllowed(string call)
    {
        Seed();
        await CallAsync(ReportTestData.Service(_db, _clock, Roles.Manager), call);
        var report = await ReportTestData.Service(_db, _clock, Roles.Manager).GetReportAsync(Frame);
        Assert.Equal(1, report.Totals.Sent);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task AdminIsAllowed(string call)
    {
        Seed();
        await CallAsync(ReportTestData.Service(_db, _clock, Roles.Admin), call);
        var people = await ReportTestData.Service(_db, _clock, Roles.Admin).GetPeopleAsync(Frame, EmailPerformanceMetric.Sent, 0, 10);
        Assert.Equal("ann@x.com", Assert.Single(people.Items).Email);
    }
}
