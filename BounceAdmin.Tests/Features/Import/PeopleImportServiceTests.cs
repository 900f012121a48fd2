using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Features.Import;
using BounceAdmin.Identity;
using BounceAdmin.Tests.Features.Admin;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Features.Import;

/// <summary>
/// People import through the service the page, the command and the bench share: mapping, preview counts, each rejection
/// reason, upsert and idempotency, the SPEC §2 rules on this door, authorization, batches under cancel.
/// </summary>
public sealed class PeopleImportServiceTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();
    private readonly ImportFiles _files = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _files.Dispose();
        await _t.DisposeAsync();
    }

    private PeopleImportService Service => _t.Get<PeopleImportService>();

    private async Task<(ImportInspection Inspection, ImportResult Result)> ImportAsync(string path, ImportOptions? options = null, bool preview = false)
    {
        var service = Service;
        var inspection = await service.InspectAsync(path, Path.GetFileName(path));
        var result = preview
            ? await service.PreviewAsync(path, Path.GetFileName(path), inspection.Columns, options ?? new ImportOptions())
            : await service.ImportAsync(path, Path.GetFileName(path), inspection.Columns, options ?? new ImportOptions());
        return (inspection, result);
    }

    private List<Person> People()
    {
        using var db = _t.Db.NewContext();
        return db.People.AsNoTracking().OrderBy(p => p.Id).ToList();
    }

    private List<AuditEntry> Audit()
    {
        using var db = _t.Db.NewContext();
        return db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToList();
    }

    private const string Marketo = "Email Address,First Name,Last Name,Company Name,Unsubscribed,Email Suspended,Email Suspended Cause,Email Suspended At,Email Invalid,Email Invalid Cause,Lead Score\n";

    [Fact]
    public async Task MarketoHeadersAreMappedToTheirFields_UnknownColumnsAreIgnored()
    {
        var path = _files.Write("marketo.csv", Marketo + "ada@example.com,Ada,Lovelace,Acme,false,false,,,false,,12\n");

        var inspection = await Service.InspectAsync(path, "marketo.csv");

        Assert.Equal(
            [ImportField.Email, ImportField.FirstName, ImportField.LastName, ImportField.Company, ImportField.Unsubscribed, ImportField.EmailSuspended,
                ImportField.EmailSuspendedCause, ImportField.EmailSuspendedAt, ImportField.EmailInvalid, ImportField.EmailInvalidCause, ImportField.Ignore],
            inspection.Columns.Select(c => c.Field));
        Assert.False(inspection.RememberedMapping);
        Assert.Equal("ada@example.com", Assert.Single(inspection.FirstRows)[0]);
    }

    [Fact]
    public async Task TheMappingOfTheLastImportIsRememberedForTheNextFile()
    {
        var first = _files.Write("one.csv", "Mail Adres,Voornaam\nada@example.com,Ada\n");
        var service = Service;
        var inspection = await service.InspectAsync(first, "one.csv");
        Assert.Equal(ImportField.Ignore, inspection.Columns[0].Field);
        Assert.Equal(ImportField.Ignore, inspection.Columns[1].Field);
        await service.ImportAsync(first, "one.csv", [new(0, "Mail Adres", ImportField.Email), new(1, "Voornaam", ImportField.FirstName)], new ImportOptions());

        var second = _files.Write("two.csv", "Voornaam;Mail Adres\nBob;bob@example.com\n");
        var again = await Service.InspectAsync(second, "two.csv");

        Assert.True(again.RememberedMapping);
        Assert.Equal([ImportField.FirstName, ImportField.Email], again.Columns.Select(c => c.Field));
    }

    [Fact]
    public async Task AMappingWithoutEmailOrWithAFieldTwiceIsRefused()
    {
        var path = _files.Write("p.csv", "Email,Name,Other\na@example.com,A,B\n");

        var none = await Assert.ThrowsAsync<ArgumentException>(() => Service.PreviewAsync(path, "p.csv",
            [new(0, "Email", ImportField.Ignore), new(1, "Name", ImportField.FirstName)], new ImportOptions()));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => Service.PreviewAsync(path, "p.csv",
            [new(0, "Email", ImportField.Email), new(1, "Name", ImportField.FirstName), new(2, "Other", ImportField.FirstName)], new ImportOptions()));

        Assert.Contains("Map one column to Email", none.Message, StringComparison.Ordinal);
        Assert.Contains("First Name is mapped to more than one column", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePreviewCountsNewUpdatedUnchangedAndRejected_AndWritesNothing()
    {
        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("same@example.com", p => { p.FirstName = "Same"; p.LastName = "Person"; p.Company = "Acme"; });
            db.AddPerson("changed@example.com", p => { p.FirstName = "Old"; });
        }

        var path = _files.Write("p.csv", """
            Email,First Name,Last Name,Company
            new@example.com,New,Person,Acme
            SAME@example.com,Same,Person,Acme
            changed@example.com,New Name,,
            not-an-address,X,,
            """ + "\n");

        var (_, result) = await ImportAsync(path, preview: true);

        Assert.Equal(new ImportCounts(4, 1, 1, 1, 1), result.Counts);
        Assert.Null(result.BatchId);
        Assert.Equal([ImportRowOutcome.Created, ImportRowOutcome.Unchanged, ImportRowOutcome.Updated, ImportRowOutcome.Rejected],
            result.FirstRows.Select(r => r.Outcome));
        Assert.Equal(2, People().Count);
        Assert.Equal("Old", People().Single(p => p.Email == "changed@example.com").FirstName);
        using var check = _t.Db.NewContext();
        Assert.Empty(check.ImportBatches);
    }

    [Fact]
    public async Task EachRejectionHasItsReason_AndTheRejectedRowsDownloadAsEscapedCsv()
    {
        var path = _files.Write("bad.csv", """
            Email,First Name,Unsubscribed,Email Suspended,Email Suspended At
            ,No,,,
            Ada <ada@example.com>,Display,,,
            ok@example.com,Ok,,,
            OK@example.com,Duplicate,,,
            flag@example.com,Flag,sometimes,,
            time@example.com,Time,,true,01/05/2024
            =cmd@example.com,"=HYPERLINK(""x"")",,,
            =1+2@bad,-2+3,,,
            """ + "\n");

        var (inspection, result) = await ImportAsync(path);

        var reasons = result.Issues.ToDictionary(i => i.Row, i => i.Reason);
        Assert.Equal("no email address", reasons[2]);
        Assert.Contains("display name", reasons[3], StringComparison.Ordinal);
        Assert.Contains("the same address as row 4", reasons[5], StringComparison.Ordinal);
        Assert.Contains("Unsubscribed \"sometimes\" is not a yes/no value", reasons[6], StringComparison.Ordinal);
        Assert.Contains("Email Suspended At \"01/05/2024\" is not a date", reasons[7], StringComparison.Ordinal);
        Assert.Contains("the domain has no dot", reasons[9], StringComparison.Ordinal);
        Assert.Equal(new ImportCounts(8, 2, 0, 0, 6), result.Counts);
        Assert.Equal(["=cmd@example.com", "ok@example.com"], People().Select(p => p.Email).Order());

        var csv = System.Text.Encoding.UTF8.GetString(PeopleImportService.RejectedRowsCsv(inspection.Columns.Select(c => c.Header).ToList(), result.Issues));
        Assert.StartsWith("Row,Reason,Email,First Name,Unsubscribed,Email Suspended,Email Suspended At", csv, StringComparison.Ordinal);
        Assert.Contains("5,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("\n8,", csv, StringComparison.Ordinal); // row 8 was imported, not rejected
        Assert.Equal(7, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("'=1+2@bad", csv, StringComparison.Ordinal);
        Assert.Contains("'-2+3", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportingTheSameFileAgainChangesNothing_AndNewPeopleRecordTheirImportBatch()
    {
        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("old@example.com");
        }

        var path = _files.Write("p.csv", Marketo + """
            ada@example.com,Ada,Lovelace,Acme,false,true,554 5.7.1 blocked,2026-11-19T08:00:00Z,false,,1
            bob@example.com,Bob,Builder,Acme,true,false,,,true,550 5.1.1 user unknown,2
            old@example.com,Old,Timer,Acme,,,,,,,3
            """ + "\n");

        var (_, first) = await ImportAsync(path);
        var auditAfterFirst = Audit().Count;
        var (_, second) = await ImportAsync(path);

        Assert.Equal(new ImportCounts(3, 2, 1, 0, 0), first.Counts);
        Assert.Equal(new ImportCounts(3, 0, 0, 3, 0), second.Counts);
        Assert.Equal(auditAfterFirst, Audit().Count);
        var people = People();
        var ada = people.Single(p => p.Email == "ada@example.com");
        Assert.True(ada.EmailSuspended);
        Assert.Equal(new DateTime(2026, 11, 19, 8, 0, 0, DateTimeKind.Utc), ada.EmailSuspendedAt);
        Assert.Equal("554 5.7.1 blocked", ada.EmailSuspendedCause);
        Assert.Equal(first.BatchId, ada.ImportBatchId);
        Assert.Null(people.Single(p => p.Email == "old@example.com").ImportBatchId); // updated, not created by the import
        Assert.Equal("bob@example.com", people.Single(p => p.EmailInvalid).EmailNormalized);

        using var check = _t.Db.NewContext();
        var batches = check.ImportBatches.AsNoTracking().OrderBy(b => b.Id).ToList();
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal(ImportBatchStatus.Completed, b.Status));
        Assert.Equal((3, 2, 1, 0, 0), (batches[0].Rows, batches[0].Created, batches[0].Updated, batches[0].Unchanged, batches[0].Rejected));
        Assert.Equal("admin@test.local", batches[0].CreatedBy);
    }

    [Fact]
    public async Task SettingBounceFieldsFromAFileIsAuditedAsImportedFromTheFile()
    {
        var path = _files.Write("bounces.csv", Marketo + "ada@example.com,Ada,,,,true,554 blocked,2026-11-19 08:00:00,true,550 user unknown,\n");

        var (_, result) = await ImportAsync(path);

        var audit = Audit();
        Assert.Equal([FieldLabels.EmailSuspended, FieldLabels.EmailSuspendedAt, FieldLabels.EmailSuspendedCause, FieldLabels.EmailInvalid, FieldLabels.EmailInvalidCause],
            audit.Select(a => a.Field));
        Assert.All(audit, a => Assert.Equal($"Imported from bounces.csv (import batch {result.BatchId})", a.Reason));
        Assert.All(audit, a => Assert.Equal("admin@test.local", a.Actor));
        Assert.Equal("2026-11-19 08:00:00 UTC", audit[1].NewValue);
        Assert.Equal(1, result.TimesWithoutOffset);
    }

    [Fact]
    public async Task AFileNeverClearsEmailSuspendedNorMovesItsTimeBack_AndReportsTheRow()
    {
        var at = new DateTime(2026, 11, 19, 8, 0, 0, DateTimeKind.Utc);
        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("susp@example.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = at; p.EmailSuspendedCause = "554 blocked"; });
        }

        var path = _files.Write("clear.csv", Marketo + "susp@example.com,Sue,,,,false,older cause,2026-01-01T00:00:00Z,,,\n");

        var (_, result) = await ImportAsync(path);

        var person = People().Single();
        Assert.True(person.EmailSuspended);
        Assert.Equal(at, person.EmailSuspendedAt);
        Assert.Equal("554 blocked", person.EmailSuspendedCause);
        Assert.Equal("Sue", person.FirstName); // the rest of the row is imported
        var issue = Assert.Single(result.Issues);
        Assert.False(issue.Rejected);
        Assert.Contains("Email Suspended can never be cleared", issue.Reason, StringComparison.Ordinal);
        Assert.Equal(1, result.Warnings);
        Assert.Empty(Audit());
        Assert.Equal(ImportBatchStatus.Completed, result.Status);
    }

    [Fact]
    public async Task ALaterSuspensionTimeInTheFileMovesItForward()
    {
        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("susp@example.com", p => { p.EmailSuspended = true; p.EmailSuspendedAt = TestData.Now.AddDays(-10); p.EmailSuspendedCause = "old"; });
        }

        var path = _files.Write("later.csv", Marketo + "susp@example.com,,,,,true,new cause,2026-11-20T10:00:00Z,,,\n");

        await ImportAsync(path);

        var person = People().Single();
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), person.EmailSuspendedAt);
        Assert.Equal("new cause", person.EmailSuspendedCause);
        Assert.Equal([FieldLabels.EmailSuspendedAt, FieldLabels.EmailSuspendedCause], Audit().Select(a => a.Field));
    }

    [Fact]
    public async Task EmailInvalidIsClearedOnlyWithTheExplicitOptionAndAReason_AuditedLikeTheBulkReset()
    {
        using (var db = _t.Db.NewContext())
        {
            db.AddPerson("inv@example.com", p => { p.EmailInvalid = true; p.EmailInvalidCause = "550 5.1.1 user unknown"; });
        }

        var path = _files.Write("valid.csv", "Email,Email Invalid\ninv@example.com,false\n");

        var (_, kept) = await ImportAsync(path);
        Assert.True(People().Single().EmailInvalid);
        Assert.Contains("Email Invalid stays checked", Assert.Single(kept.Issues).Reason, StringComparison.Ordinal);
        Assert.Equal(1, kept.Counts.Unchanged);

        var inspection = await Service.InspectAsync(path, "valid.csv");
        await Assert.ThrowsAsync<ArgumentException>(() => Service.ImportAsync(path, "valid.csv", inspection.Columns, new ImportOptions(ClearEmailInvalid: true)));
        Assert.True(People().Single().EmailInvalid);

        var (_, cleared) = await ImportAsync(path, new ImportOptions(ClearEmailInvalid: true, ClearEmailInvalidReason: "Confirmed by the customer's IT"));

        var person = People().Single();
        Assert.False(person.EmailInvalid);
        Assert.Null(person.EmailInvalidCause);
        Assert.Equal(1, cleared.Counts.Updated);
        var audit = Audit();
        Assert.Equal([FieldLabels.EmailInvalid, FieldLabels.EmailInvalidCause], audit.Select(a => a.Field));
        Assert.Equal(("true", "false"), (audit[0].OldValue, audit[0].NewValue));
        Assert.All(audit, a => Assert.StartsWith("Confirmed by the customer's IT (unchecked by import of valid.csv", a.Reason, StringComparison.Ordinal));
        Assert.NotNull(audit[0].BatchId);
        // Like a bulk reset, it is listed (and can be undone) on the bulk reset page.
        var batch = Assert.Single(await _t.Get<BulkResetService>().RecentBatchesAsync());
        Assert.Equal(audit[0].BatchId, batch.BatchId);
        Assert.Equal(1, batch.People);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task OnlyAnAdminMayImport_TheServiceRefusesEveryoneElse(string role)
    {
        var path = _files.Write("p.csv", "Email\na@example.com\n");
        _t.ActAs(role);
        var service = Service;
        ImportColumn[] columns = [new(0, "Email", ImportField.Email)];

        await Assert.ThrowsAsync<ForbiddenException>(() => service.InspectAsync(path, "p.csv"));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.PreviewAsync(path, "p.csv", columns, new ImportOptions()));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ImportAsync(path, "p.csv", columns, new ImportOptions()));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.RecentBatchesAsync());
        Assert.Empty(People());
    }

    [Fact]
    public async Task ACancelledImportKeepsEveryCommittedBatchWhole_AndRunningItAgainCompletesIt()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"p{i:D4}@example.com,P{i}"));
        var path = _files.Write("many.csv", "Email,First Name\n" + lines + "\n");
        var service = Service;
        var inspection = await service.InspectAsync(path, "many.csv");
        using var cts = new CancellationTokenSource();
        // Cancel once the third batch of 100 is committed (progress is reported after each commit).
        var progress = new SyncProgress(p => { if (p.SoFar.Rows >= 300) cts.Cancel(); });

        var result = await service.ImportAsync(path, "many.csv", inspection.Columns, new ImportOptions(BatchSize: 100), progress, cts.Token);

        Assert.Equal(ImportBatchStatus.Cancelled, result.Status);
        Assert.Equal(300, result.Counts.Created);
        Assert.Equal(300, People().Count);
        using (var db = _t.Db.NewContext())
        {
            var batch = db.ImportBatches.AsNoTracking().Single();
            Assert.Equal((ImportBatchStatus.Cancelled, 300, 300), (batch.Status, batch.Rows, batch.Created));
            Assert.NotNull(batch.FinishedAt);
        }

        var again = await Service.ImportAsync(path, "many.csv", inspection.Columns, new ImportOptions(BatchSize: 100));

        Assert.Equal(new ImportCounts(1000, 700, 0, 300, 0), again.Counts);
        Assert.Equal(1000, People().Count);
    }

    [Fact]
    public async Task AFileThatBreaksHalfWay_FailsTheImportAfterItsLastWholeBatch()
    {
        var good = string.Join('\n', Enumerable.Range(0, 4000).Select(i => $"p{i:D4}@example.com,Plain"));
        var bytes = System.Text.Encoding.UTF8.GetBytes("Email,Name\n" + good + "\n").Concat("late@example.com,Ren"u8.ToArray()).Append((byte)0xE9).ToArray();
        var path = _files.WriteBytes("broken.csv", bytes);
        var service = Service;
        var inspection = await service.InspectAsync(path, "broken.csv");

        await Assert.ThrowsAsync<ImportFileException>(() => service.PreviewAsync(path, "broken.csv", inspection.Columns, new ImportOptions()));
        Assert.Empty(People());
        var result = await service.ImportAsync(path, "broken.csv", inspection.Columns, new ImportOptions(BatchSize: 1000));

        Assert.Equal(ImportBatchStatus.Failed, result.Status);
        Assert.Contains("not valid UTF-8", result.Error, StringComparison.Ordinal);
        Assert.Equal(4000, People().Count);
        Assert.Equal(4000, result.Counts.Created);
    }

    [Fact]
    public async Task AnXlsxWorkbookImportsLikeACsv()
    {
        var path = _files.Xlsx("people.xlsx",
            ["E-mail", "Last Name", "Email Invalid", "Email Invalid Cause"],
            ["xl@example.com", "Sheet", true, "550 5.1.1 no such user"]);

        var (_, result) = await ImportAsync(path);

        Assert.Equal(new ImportCounts(1, 1, 0, 0, 0), result.Counts);
        var person = People().Single();
        Assert.Equal(("xl@example.com", "Sheet", true, "550 5.1.1 no such user"), (person.Email, person.LastName, person.EmailInvalid, person.EmailInvalidCause));
    }

    /// <summary>Reports on the caller's thread, at once (Progress&lt;T&gt; posts to the thread pool, too late to cancel in step).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
