using System.Text;
using BounceAdmin.Features.Import;

namespace BounceAdmin.Tests.Features.Import;

/// <summary>Reading import files: separators, encodings, quoting, workbooks, and files that cannot be read.</summary>
public sealed class ImportFileReaderTests : IDisposable
{
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static List<string?[]> Rows(ImportFileReader reader)
    {
        var rows = new List<string?[]>();
        while (reader.Next(out _, out var cells, out _))
        {
            rows.Add(cells);
        }

        return rows;
    }

    [Theory]
    [InlineData(",", "','")]
    [InlineData(";", "';'")]
    [InlineData("\t", "tab")]
    public void TheSeparatorIsDetected(string separator, string shown)
    {
        var path = _files.Write("people.csv", $"Email{separator}First Name{separator}Company\nada@example.com{separator}Ada{separator}Acme, Inc\n".Replace("Acme, Inc", separator == "," ? "\"Acme, Inc\"" : "Acme, Inc"));
        using var reader = ImportFileReader.Open(path, "people.csv");

        Assert.Equal(["Email", "First Name", "Company"], reader.Header);
        Assert.Contains($"separator {shown}", reader.Format, StringComparison.Ordinal);
        var row = Assert.Single(Rows(reader));
        Assert.Equal<string?>(["ada@example.com", "Ada", "Acme, Inc"], row.ToList());
    }

    [Fact]
    public void Utf8WithAndWithoutBomAndWindows1252AreReadAsTheSameText()
    {
        const string text = "Email;Last Name\nzoe@example.com;Müller-Łukasiewicz\n";
        const string latin = "Email;Last Name\nzoe@example.com;Müller-Françoise\n";
        ImportCodePagesForTest();
        var bom = _files.Write("bom.csv", text, new UTF8Encoding(true));
        var plain = _files.Write("plain.csv", text);
        var ansi = _files.WriteBytes("ansi.csv", Encoding.GetEncoding(1252).GetBytes(latin));

        using (var r = ImportFileReader.Open(bom, "bom.csv"))
        {
            Assert.Equal("Email", r.Header[0]); // no BOM left in the first header
            Assert.Contains("UTF-8 with BOM", r.Format, StringComparison.Ordinal);
            Assert.Equal("Müller-Łukasiewicz", Rows(r)[0][1]);
        }

        using (var r = ImportFileReader.Open(plain, "plain.csv"))
        {
            Assert.Contains("UTF-8", r.Format, StringComparison.Ordinal);
            Assert.Equal("Müller-Łukasiewicz", Rows(r)[0][1]);
        }

        using (var r = ImportFileReader.Open(ansi, "ansi.csv"))
        {
            Assert.Contains("Windows-1252", r.Format, StringComparison.Ordinal);
            Assert.Equal("Müller-Françoise", Rows(r)[0][1]);
        }
    }

    private static void ImportCodePagesForTest() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void AQuotedNewlineStaysInsideItsField_AndRowNumbersCountRecordsNotLines()
    {
        var path = _files.Write("n.csv", "Email,Company\r\n\"a@example.com\",\"Line one\r\nline two\"\r\nb@example.com,Beta\r\n");
        using var reader = ImportFileReader.Open(path, "n.csv");

        Assert.True(reader.Next(out var row1, out var first, out var bad1));
        Assert.True(reader.Next(out var row2, out var second, out _));
        Assert.False(reader.Next(out _, out _, out _));
        Assert.Equal((2, 3), (row1, row2));
        Assert.Null(bad1);
        Assert.Equal("Line one\r\nline two", first[1]);
        Assert.Equal("b@example.com", second[0]);
    }

    [Fact]
    public void ARowWithAStrayQuoteOrTheWrongFieldCountIsMarkedMalformed_TheOthersAreRead()
    {
        var path = _files.Write("bad.csv", "Email,Company\na@example.com,Ac\"me\nb@example.com,Beta,extra\nc@example.com,Gamma\n");
        using var reader = ImportFileReader.Open(path, "bad.csv");

        var results = new List<(int Row, string? Malformed)>();
        while (reader.Next(out var row, out _, out var malformed))
        {
            results.Add((row, malformed));
        }

        Assert.Equal(3, results.Count);
        Assert.Contains("quote", results[0].Malformed, StringComparison.Ordinal);
        Assert.Contains("3 fields, the header has 2", results[1].Malformed, StringComparison.Ordinal);
        Assert.Null(results[2].Malformed);
    }

    [Fact]
    public void AFileThatIsNotText_IsRefusedWithAClearMessage()
    {
        var utf16NoBom = _files.WriteBytes("u16.csv", Encoding.Unicode.GetBytes("Email\na@example.com\n"));
        var xls = _files.WriteBytes("old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]);
        var fakeXlsx = _files.Write("fake.xlsx", "Email\na@example.com\n");

        Assert.Contains("zero bytes", Assert.Throws<ImportFileException>(() => ImportFileReader.Open(utf16NoBom, "u16.csv")).Message, StringComparison.Ordinal);
        Assert.Contains(".xls", Assert.Throws<ImportFileException>(() => ImportFileReader.Open(xls, "old.xls")).Message, StringComparison.Ordinal);
        Assert.Contains("not a valid Excel workbook", Assert.Throws<ImportFileException>(() => ImportFileReader.Open(fakeXlsx, "fake.xlsx")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatStartsAsUtf8AndThenIsNot_StopsWithTheRowNumber()
    {
        // 70 KB of clean UTF-8 (past the sample the encoding is detected from), then a Windows-1252 'é'.
        var text = new StringBuilder("Email,Name\n");
        var n = 0;
        while (text.Length < 70_000)
        {
            text.Append("p").Append(n++).Append("@example.com,Plain\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat("late@example.com,Ren"u8.ToArray()).Append((byte)0xE9).Concat("\n"u8.ToArray()).ToArray();
        var path = _files.WriteBytes("mixed.csv", bytes);
        using var reader = ImportFileReader.Open(path, "mixed.csv");

        var ex = Assert.Throws<ImportFileException>(() => Rows(reader));
        Assert.Contains($"Row {n + 2} is not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnXlsxSheetIsReadRowByRow_WithGapsSharedStringsBooleansAndNumbers()
    {
        var path = _files.Xlsx("people.xlsx",
            ["Email", "First Name", "Email Invalid", "Email Suspended At"],
            ["ada@example.com", "Ada", true, 45000.5],
            ["bob@example.com", null, false, null]);
        using var reader = ImportFileReader.Open(path, "people.xlsx");

        Assert.True(reader.IsSpreadsheet);
        Assert.Equal(["Email", "First Name", "Email Invalid", "Email Suspended At"], reader.Header);
        var rows = Rows(reader);
        Assert.Equal(2, rows.Count);
        Assert.Equal<string?>(["ada@example.com", "Ada", "true", "45000.5"], rows[0].ToList());
        Assert.Equal<string?>(["bob@example.com", null, "false", null], rows[1].ToList());
    }
}
