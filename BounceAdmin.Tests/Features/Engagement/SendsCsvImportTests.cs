using System.Text;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Engagement;

/// <summary><c>import sends FILE</c>: CSV through the same service, header mapping, whole-file check, idempotent re-runs.</summary>
public sealed class SendsCsvImportTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sends-{Guid.NewGuid():N}.csv");
    private readonly ICurrentUser _cli = FixedCurrentUser.For("cli", Roles.Admin);

    public SendsCsvImportTests()
    {
        using var db = _db.NewContext();
        db.AddPerson("ann@example.com");
        db.AddPerson("bob@example.com");
    }

    public void Dispose()
    {
        _db.Dispose();
        File.Delete(_file);
    }

    private SendsService Service() => new(_db.Factory, _cli, new TestClock(TestData.Now));

    private void Write(string text, bool bom = false)
        => File.WriteAllText(_file, text, new UTF8Encoding(bom));

    [Fact]
    public async Task A_semicolon_file_with_a_bom_and_marketo_like_headers_is_imported_and_a_rerun_changes_nothing()
    {
        Write("""
            Email Address;Email Name;Program Name;Sent Date;Send ID;Message-ID
            ann@example.com;Welcome;Onboarding;2026-11-18T09:00:00+01:00;s-1;<m1@mta.example>
            "bob@example.com";"Welcome";Onboarding;2026-11-18T09:01:00Z;s-2;

            ann@example.com;Welcome;Onboarding;2026-11-19T09:00:00Z;s-3;
            """, bom: true);

        var first = await SendsCsvImport.ImportAsync(Service(), _cli, _file, createPeople: false);
        var second = await SendsCsvImport.ImportAsync(Service(), _cli, _file, createPeople: false);

        Assert.Equal(new SendsImportSummary(3, 3, 0, 0, 0, 1), first);
        Assert.Equal(new SendsImportSummary(3, 0, 3, 0, 0, 0), second);
        await using var db = _db.NewContext();
        Assert.Equal(3, await db.Sends.CountAsync());
        Assert.Equal("m1@mta.example", (await db.Sends.SingleAsync(s => s.ExternalId == "s-1")).MessageId);
        var (maintained, rebuilt) = await EngagementTestData.AggregatesAndRebuildAsync(_db);
        Assert.Equal(rebuilt, maintained);
    }

    [Fact]
    public async Task Bad_rows_are_all_reported_by_line_and_nothing_is_written()
    {
        Write("""
            recipient,emailName,program,sentAt,externalId
            ann@example.com,Welcome,Onboarding,2026-11-18T09:00:00Z,s-1
            bob@example.com,Welcome,Onboarding,2026-11-18 09:00,s-2
            not-an-address,Welcome,Onboarding,2026-11-18T09:00:00Z,s-3
            """);

        var ex = await Assert.ThrowsAsync<BatchRejectedException>(() => SendsCsvImport.ImportAsync(Service(), _cli, _file, false));

        Assert.Equal([(3, "sentAt"), (4, "recipient")], ex.Errors.Select(e => (e.Index, e.Field)));
        await using var db = _db.NewContext();
        Assert.Equal(0, await db.Sends.CountAsync());
    }

    [Fact]
    public async Task A_file_without_the_needed_columns_or_not_in_utf8_is_refused_clearly()
    {
        Write("who,when\nann@example.com,2026-11-18T09:00:00Z\n");
        var noColumns = await Assert.ThrowsAsync<BatchRejectedException>(() => SendsCsvImport.ImportAsync(Service(), _cli, _file, false));
        // "Café" saved as Windows-1252: the é is the lone byte 0xE9, which is not UTF-8.
        await File.WriteAllBytesAsync(_file, [.. "recipient,emailName,program,sentAt,externalId\nann@example.com,Caf"u8, 0xE9, .. ",P,2026-11-18T09:00:00Z,s-1\n"u8]);
        var notUtf8 = await Assert.ThrowsAsync<BatchRejectedException>(() => SendsCsvImport.ImportAsync(Service(), _cli, _file, false));

        Assert.Contains(noColumns.Errors, e => e.Field == "Recipient" && e.Message.Contains("who, when"));
        Assert.Contains(noColumns.Errors, e => e.Field == "SentAt");
        Assert.Contains("UTF-8", notUtf8.Message);
    }

    [Fact]
    public async Task Unknown_recipients_are_counted_or_created_as_asked()
    {
        Write("recipient,emailName,program,sentAt,externalId\nnew@example.com,Welcome,Onboarding,2026-11-18T09:00:00Z,s-9\n");

        var reported = await SendsCsvImport.ImportAsync(Service(), _cli, _file, createPeople: false);
        var created = await SendsCsvImport.ImportAsync(Service(), _cli, _file, createPeople: true);

        Assert.Equal((0, 1), (reported.Created, reported.UnknownRecipients));
        Assert.Equal((1, 1), (created.Created, created.PeopleCreated));
    }
}
