using System.Text;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Reports;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BounceAdmin.Tests.Features.Reports;

public sealed class EmailPerformanceExportTests : IDisposable
{
    private static readonly DateTime Now = TestData.Now;
    private static readonly EmailPerformanceFilter Frame = new(Now.AddDays(-7), Now.AddDays(1));
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private EmailPerformanceService Manager => ReportTestData.Service(_db, _clock, Roles.Manager);

    private const string HeaderLine =
        "Email Name,Sent,Delivered,% Delivered,Hard Bounced,% Hard Bounced,Soft Bounced,% Soft Bounced,Pending,Aborted," +
        "Opened,% Opened,Clicked Email,% Clicked Email,Clicked-to-Opened ratio,Unsubscribed,% Unsubscribed";

    private void Seed(string emailName)
    {
        using var db = _db.NewContext();
        var email = db.AddEmail(emailName);
        var opened = db.AddSend(email, db.AddPerson("o@x.com", p => p.LastName = "=cmd|' /C calc'!A0"), Now.AddDays(-1));
        db.AddEvent(opened, EmailEventType.Opened, Now.AddDays(-1));
        db.AddSend(email, db.AddPerson("p@x.com"), Now.AddDays(-1));
        db.AddSend(email, db.AddPerson("q@x.com"), Now.AddDays(-1));
    }

    private static string[] Lines(ReportFile file)
        => Encoding.UTF8.GetString(file.Content).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Issue 14: the drill-down export streams its rows to any stream (the page's temporary file), even one that cannot seek.</summary>
    [Fact]
    public async Task TheDrillDownExportWritesToAStreamThatCannotSeekTheSameBytes()
    {
        Seed("Streamed");
        var inMemory = await Manager.ExportPeopleAsync(Frame, EmailPerformanceMetric.Sent, ReportFileFormat.Csv);

        using var sink = new MemoryStream();
        await using (var forwardOnly = new ForwardOnlyStream(sink))
        {
            var (name, type) = await Manager.WritePeopleAsync(Frame, EmailPerformanceMetric.Sent, ReportFileFormat.Csv, forwardOnly);
            Assert.Equal(inMemory.FileName, name);
            Assert.Equal(EmailPerformanceExport.CsvContentType, type);
        }

        Assert.Equal(inMemory.Content, sink.ToArray());
        Assert.Equal(4, Encoding.UTF8.GetString(sink.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task TheStreamedDrillDownExportChecksTheRoleItself()
    {
        var marketer = ReportTestData.Service(_db, _clock, Roles.Marketer);
        using var sink = new MemoryStream();
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            marketer.WritePeopleAsync(Frame, EmailPerformanceMetric.Sent, ReportFileFormat.Csv, sink));
        Assert.Equal(0, sink.Length);
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    [Fact]
    public async Task CsvHasTheColumnLabelsOneRecordPerEmailAndTheTotals()
    {
        Seed("Newsletter");

        var file = await Manager.ExportReportAsync(Frame, ReportFileFormat.Csv);
        var lines = Lines(file);

        Assert.Equal("text/csv", file.ContentType);
        Assert.EndsWith(".csv", file.FileName);
        Assert.Equal(HeaderLine, lines[0]);
        Assert.Equal("Newsletter,3,1,33.3,0,0,0,0,2,0,1,100,0,0,0,0,0", lines[1]);
        Assert.Equal("Total,3,1,33.3,0,0,0,0,2,0,1,100,0,0,0,0,0", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task CsvQuotesCommasAndQuotes()
    {
        Seed("Sale, \"big\" one");

        var lines = Lines(await Manager.ExportReportAsync(Frame, ReportFileFormat.Csv));

        Assert.StartsWith("\"Sale, \"\"big\"\" one\",3,", lines[1]);
    }

    [Fact]
    public async Task CsvNeutralisesFormulasInTextCells()
    {
        Seed("=HYPERLINK(\"http://evil.example\",\"Click\")");

        var report = Lines(await Manager.ExportReportAsync(Frame, ReportFileFormat.Csv));
        var people = Lines(await Manager.ExportPeopleAsync(Frame, EmailPerformanceMetric.Opened, ReportFileFormat.Csv));

        Assert.StartsWith("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",3,", report[1]);
        Assert.Contains("\"'=cmd|' /C calc'!A0\"", people[1]);
        Assert.DoesNotContain(",=", people[1]);
    }

    [Theory]
    [InlineData("+SUM(A1)")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tTAB")]
    [InlineData("\rCR")]
    public void CsvEscapesEveryFormulaStarter(string name)
    {
        var row = new EmailPerformanceRow(1, name, 1, 1, 0, 0, 0, 0, 0, 0, 0);
        var report = new EmailPerformanceReport(Frame, Now, [row], row with { EmailId = null, EmailName = "Total" });

        var text = Encoding.UTF8.GetString(EmailPerformanceExport.ReportToCsv(report));
        var secondRecord = text[(text.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];

        Assert.StartsWith("\"'" + name, secondRecord);
    }

    [Fact]
    public async Task DrillDownCsvListsThePeopleBehindTheCount()
    {
        Seed("Newsletter");

        var file = await Manager.ExportPeopleAsync(Frame, EmailPerformanceMetric.Pending, ReportFileFormat.Csv);
        var lines = Lines(file);

        Assert.Equal(string.Join(",", EmailPerformanceExport.PeopleHeaders), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains("p@x.com", lines[1]);
        Assert.Contains("q@x.com", lines[2]);
        Assert.Contains("pending", file.FileName);
    }

    [Fact]
    public async Task XlsxOpensWithTheHeaderRowTheEmailsAndTheTotals()
    {
        Seed("=HYPERLINK(\"http://evil.example\")");

        var file = await Manager.ExportReportAsync(Frame, ReportFileFormat.Excel);
        var rows = ReadSheet(file.Content);

        Assert.Equal(EmailPerformanceExport.XlsxContentType, file.ContentType);
        Assert.EndsWith(".xlsx", file.FileName);
        Assert.Equal(EmailPerformanceExport.ReportHeaders, rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal("=HYPERLINK(\"http://evil.example\")", rows[1][0]); // kept as text: an inline string, not a formula
        Assert.Equal("3", rows[1][1]);
        Assert.Equal("Total", rows[2][0]);
    }

    [Fact]
    public async Task DrillDownXlsxOpensWithItsHeaderRow()
    {
        Seed("Newsletter");

        var file = await Manager.ExportPeopleAsync(Frame, EmailPerformanceMetric.Sent, ReportFileFormat.Excel);
        var rows = ReadSheet(file.Content);

        Assert.Equal(EmailPerformanceExport.PeopleHeaders, rows[0]);
        Assert.Equal(4, rows.Count);
    }

    private static List<List<string>> ReadSheet(byte[] content)
    {
        using var stream = new MemoryStream(content);
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheetPart = document.WorkbookPart!.WorksheetParts.Single();
        Assert.Empty(sheetPart.Worksheet.Descendants<CellFormula>());
        return sheetPart.Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList())
            .ToList();
    }

    /// <summary>Issue 14.8: the workbook writer streams rows into the caller's file; 50,000 rows come out whole and in order.</summary>
    [Fact]
    public void TheWorkbookWriterStreamsManyRowsIntoAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bounceadmin-export-{Guid.NewGuid():N}.xlsx");
        try
        {
            var rows = Enumerable.Range(1, 50_000).Select(i => new object?[] { i, $"person{i}@example.com", i == 7 ? "=cmd|' /C calc'!A0" : "text", 1.5 });
            using (var file = File.Create(path))
            {
                EmailPerformanceExport.WriteXlsx(file, "People", ["Id", "Email", "Note", "Share"], rows);
            }

            using var document = SpreadsheetDocument.Open(path, false);
            var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
            var all = sheet.Descendants<Row>().ToList();
            Assert.Equal(50_001, all.Count);
            Assert.Equal("person50000@example.com", all[^1].Elements<Cell>().ElementAt(1).InnerText);
            var formula = all[7].Elements<Cell>().ElementAt(2);
            Assert.Equal(CellValues.InlineString, formula.DataType!.Value);
            Assert.Empty(sheet.Descendants<CellFormula>());
            Assert.Equal("People", document.WorkbookPart.Workbook.Descendants<Sheet>().Single().Name!.Value);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheCsvWriterWritesIntoTheCallersStream()
    {
        using var stream = new MemoryStream();

        EmailPerformanceExport.WriteCsv(stream, ["A", "B"], [["=1+1", 2], ["x", null]]);

        Assert.Equal("A,B\r\n\"'=1+1\",2\r\nx,\r\n", Encoding.UTF8.GetString(stream.ToArray()));
    }
}
