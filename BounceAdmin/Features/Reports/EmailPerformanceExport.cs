using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BounceAdmin.Features.Reports;

/// <summary>Writes the report grid and drill-downs as CSV (CsvHelper) and Excel (Open XML SDK).</summary>
/// <remarks>
/// Email names and people's names come from users and imports, so a CSV cell starting with = + - @, tab or CR is
/// prefixed with an apostrophe (CsvHelper's <see cref="CsvInjection.Escape"/>) and a spreadsheet shows it as text instead
/// of running it as a formula. In the .xlsx every text is an inline string cell, which Excel never evaluates.
/// </remarks>
public static class EmailPerformanceExport
{
    public const string CsvContentType = "text/csv";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The grid's column labels, in order; the CSV and Excel headers.</summary>
    public static readonly IReadOnlyList<string> ReportHeaders =
    [
        "Email Name", "Sent", "Delivered", "% Delivered", "Hard Bounced", "% Hard Bounced", "Soft Bounced",
        "% Soft Bounced", "Pending", "Aborted", "Opened", "% Opened", "Clicked Email", "% Clicked Email",
        "Clicked-to-Opened ratio", "Unsubscribed", "% Unsubscribed",
    ];

    /// <summary>The drill-down's column labels, in order.</summary>
    public static readonly IReadOnlyList<string> PeopleHeaders =
    [
        "Person Id", "Email Address", "First Name", "Last Name", "Deleted", "Email Name", "Last Sent (UTC)", "Outcome",
        "Opened", "Clicked Email", "Unsubscribed",
    ];

    private static readonly CsvWriterOptions CsvOptions = new() { Injection = CsvInjection.Escape };

    /// <summary>The values of one grid row, in <see cref="ReportHeaders"/> order: text, integers or rounded percentages.</summary>
    public static object?[] ReportValues(EmailPerformanceRow r) =>
    [
        r.EmailName, r.Sent, r.Delivered, Round(r.PercentDelivered), r.HardBounced, Round(r.PercentHardBounced),
        r.SoftBounced, Round(r.PercentSoftBounced), r.Pending, r.Aborted, r.Opened, Round(r.PercentOpened),
        r.Clicked, Round(r.PercentClicked), Round(r.ClickedToOpened), r.Unsubscribed, Round(r.PercentUnsubscribed),
    ];

    private static object?[] PeopleValues(EmailPerformancePerson p) =>
    [
        p.PersonId, p.Email, p.FirstName, p.LastName, YesNo(p.IsDeleted), p.EmailName,
        p.LastSentAt.ToString("yyyy-MM-dd HH:mm:ss"), p.Outcome, YesNo(p.Opened), YesNo(p.Clicked), YesNo(p.Unsubscribed),
    ];

    /// <summary>The grid as CSV: the header, one record per email, then the totals record.</summary>
    public static byte[] ReportToCsv(EmailPerformanceReport report)
        => Csv(ReportHeaders, report.Rows.Append(report.Totals).Select(ReportValues));

    /// <summary>The grid as an Excel workbook: the header, one row per email, then the totals row.</summary>
    public static byte[] ReportToXlsx(EmailPerformanceReport report)
        => Xlsx("Email Performance", ReportHeaders, report.Rows.Append(report.Totals).Select(ReportValues));

    /// <summary>A drill-down as CSV, written to <paramref name="stream"/> as <paramref name="people"/> is enumerated.</summary>
    public static void WritePeopleCsv(Stream stream, IEnumerable<EmailPerformancePerson> people)
        => WriteCsv(stream, PeopleHeaders, people.Select(PeopleValues));

    /// <summary>A drill-down as an Excel workbook, written to <paramref name="stream"/> as <paramref name="people"/> is enumerated.</summary>
    public static void WritePeopleXlsx(Stream stream, IEnumerable<EmailPerformancePerson> people, EmailPerformanceMetric metric)
        => WriteXlsx(stream, metric.ToString(), PeopleHeaders, people.Select(PeopleValues));

    private static double? Round(double? percent) => percent is { } p ? Math.Round(p, 1) : null;

    private static string YesNo(bool value) => value ? "Yes" : "No";

    private static byte[] Csv(IReadOnlyList<string> headers, IEnumerable<object?[]> records)
    {
        using var stream = new MemoryStream();
        WriteCsv(stream, headers, records);
        return stream.ToArray();
    }

    private static byte[] Xlsx(string sheetName, IReadOnlyList<string> headers, IEnumerable<object?[]> records)
    {
        using var stream = new MemoryStream();
        WriteXlsx(stream, sheetName, headers, records);
        return stream.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="records"/> as CSV to <paramref name="stream"/> record by record (issue 14: nothing but the
    /// current record is held; the caller decides where the bytes go — a temporary file, a response).
    /// </summary>
    public static void WriteCsv(Stream stream, IReadOnlyList<string> headers, IEnumerable<object?[]> records)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var csv = CsvWriter.Create(stream, CsvOptions, leaveOpen: true);
        csv.WriteHeader([.. headers]);
        foreach (var record in records)
        {
            foreach (var value in record)
            {
                switch (value)
                {
                    case null: csv.WriteField((string?)null); break;
                    case string s: csv.WriteField(s); break;
                    case int i: csv.WriteField(i); break;
                    case double d: csv.WriteField(d); break;
                    default: csv.WriteField(value); break;
                }
            }

            csv.EndRecord();
        }

        csv.Flush();
    }

    /// <summary>
    /// Writes an Excel workbook of one sheet to <paramref name="stream"/> with the Open XML SDK's forward-only
    /// <see cref="OpenXmlWriter"/> (SAX): rows go out as they come, no element tree of the sheet is built in memory
    /// (the DOM of 100,000 rows × 11 cells held millions of objects).
    /// </summary>
    public static void WriteXlsx(Stream stream, string sheetName, IReadOnlyList<string> headers, IEnumerable<object?[]> records)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            writer.WriteElement(Row(headers.Cast<object?>()));
            foreach (var record in records)
            {
                writer.WriteElement(Row(record));
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        workbookPart.Workbook = new Workbook(new Sheets(new Sheet
        {
            Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName[..Math.Min(31, sheetName.Length)],
        }));
        workbookPart.Workbook.Save();
    }

    private static Row Row(IEnumerable<object?> values)
    {
        var row = new Row();
        foreach (var value in values)
        {
            row.AppendChild(value switch
            {
                null => new Cell(),
                int i => new Cell { DataType = CellValues.Number, CellValue = new CellValue(i) },
                double d => new Cell { DataType = CellValues.Number, CellValue = new CellValue(d) },
                // Inline strings are never evaluated, so names like "=HYPERLINK(...)" stay text.
                _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value.ToString() ?? "")) },
            });
        }

        return row;
    }
}
