using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BounceAdmin.Features.Import;

/// <summary>
/// Reads the rows of an import file one at a time, whatever its size: CSV (CsvHelper; the separator and the encoding
/// are detected) or an Excel workbook (.xlsx, its first sheet, read as a stream of rows with the Open XML SDK). The first
/// row is the header. Every reader reports how far through the file it is, for progress.
/// </summary>
public abstract class ImportFileReader : IDisposable
{
    /// <summary>How many bytes the encoding is detected from.</summary>
    internal const int SniffBytes = 64 * 1024;

    /// <summary>A CSV record larger than this is refused (an unclosed quote in a large file would otherwise swallow all of it).</summary>
    public const int MaxRecordBytes = 1 << 20;

    /// <summary>How the file was read, for the preview: "CSV, UTF-8 with BOM, separator ';'".</summary>
    public abstract string Format { get; }

    /// <summary>True for a spreadsheet, whose times may be Excel serial numbers.</summary>
    public abstract bool IsSpreadsheet { get; }

    /// <summary>The header row's cells.</summary>
    public IReadOnlyList<string> Header { get; protected set; } = [];

    /// <summary>How far through the file the reader is, from 0 to 1.</summary>
    public abstract double Fraction { get; }

    /// <summary>
    /// The next data row: its number as a spreadsheet shows it (the header is row 1), its cells, and, when the row is
    /// malformed (bad CSV quoting), why. False at the end of the file.
    /// </summary>
    public abstract bool Next(out int row, out string?[] cells, out string? malformed);

    public abstract void Dispose();

    /// <summary>Opens <paramref name="path"/>, choosing the reader from the content (a zip is a workbook) and the name.</summary>
    /// <exception cref="ImportFileException">The file is not a table this import can read.</exception>
    public static ImportFileReader Open(string path, string fileName)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var head = new byte[Math.Min(SniffBytes, stream.Length)];
            stream.ReadExactly(head);
            stream.Position = 0;
            var extension = Path.GetExtension(fileName).ToLowerInvariant();
            if (head.AsSpan().StartsWith("PK\u0003\u0004"u8))
            {
                return extension is ".xlsx" or ".xlsm" or ""
                    ? new XlsxReader(stream)
                    : throw new ImportFileException($"{fileName} is a zip archive, not a CSV file. Upload an Excel workbook as .xlsx, or save the sheet as CSV.");
            }

            if (extension is ".xls" || head.AsSpan().StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 }))
            {
                throw new ImportFileException($"{fileName} is an old Excel 97–2003 workbook (.xls). Save it as .xlsx or CSV and import that.");
            }

            if (extension is ".xlsx" or ".xlsm")
            {
                throw new ImportFileException($"{fileName} is not a valid Excel workbook (an .xlsx file is a zip archive). Save it again from Excel, or as CSV.");
            }

            return new CsvFileReader(stream, head);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The encoding of a text file from its first bytes: a byte-order mark, valid UTF-8, or else Windows-1252.</summary>
    /// <returns>The encoding to transcode from (null: UTF-8, or what the byte-order mark says) and its description.</returns>
    internal static (Encoding? Encoding, string Description) DetectEncoding(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8))
        {
            return (null, "UTF-8 with BOM");
        }

        if (head.StartsWith(new byte[] { 0xFF, 0xFE }) || head.StartsWith(new byte[] { 0xFE, 0xFF }))
        {
            return (null, "UTF-16");
        }

        if (head.Contains((byte)0))
        {
            throw new ImportFileException(
                "The file is not a text CSV file: it contains zero bytes (binary data, or UTF-16 without a byte-order mark). "
                + "Save it as CSV UTF-8, or upload the Excel workbook as .xlsx.");
        }

        // The sample may end inside a multi-byte character: only the last three bytes may be an incomplete sequence.
        var whole = head.Length < SniffBytes ? head : head[..LastCompleteUtf8(head)];
        if (Utf8.IsValid(whole))
        {
            return (null, "UTF-8");
        }

        // Windows-1252 needs the code-page encodings: registered when this assembly loads (BounceClassifier.RegisterCodePages).
        return (Encoding.GetEncoding(1252), "Windows-1252 (not valid UTF-8)");
    }

    private static int LastCompleteUtf8(ReadOnlySpan<byte> bytes)
    {
        // Back up over continuation bytes (10xxxxxx) to the start of the last character, and leave that character out.
        var end = bytes.Length;
        for (var i = 1; i <= 3 && end - i >= 0; i++)
        {
            var b = bytes[end - i];
            if ((b & 0xC0) != 0x80)
            {
                return b < 0x80 ? end : end - i;
            }
        }

        return end;
    }

    private sealed class CsvFileReader : ImportFileReader
    {
        private readonly FileStream _stream;
        private readonly CsvReader _csv;
        private readonly bool _checkUtf8;
        private readonly Dictionary<long, string> _malformed = [];
        private readonly string _format;
        private int _columns;

        public CsvFileReader(FileStream stream, byte[] head)
        {
            _stream = stream;
            var (encoding, description) = DetectEncoding(head);
            _checkUtf8 = encoding is null && description != "UTF-16";
            var options = CsvReaderOptions.Default with
            {
                HasHeader = false,
                Encoding = encoding,
                AllowLineBreaksInQuotes = true,
                SkipEmptyLines = true,
                MalformedData = CsvMalformedDataHandling.Recover,
                MaxRecordSize = MaxRecordBytes,
                OnMalformedRecord = OnMalformed,
            };
            _csv = CsvReader.Create(stream, options, leaveOpen: true);
            try
            {
                if (!_csv.Read())
                {
                    throw new ImportFileException("The file is empty: there is no header row.");
                }

                CheckUtf8();
                Header = Cells().Select(c => c ?? "").ToList();
                _columns = Header.Count;
                var separator = _csv.Separator switch { '\t' => "tab", var c => $"'{c}'" };
                _format = $"CSV, {description}, separator {separator}";
            }
            catch (CsvFormatException ex)
            {
                _csv.Dispose();
                throw new ImportFileException($"The header row cannot be read as CSV: {ex.Message}", ex);
            }
        }

        public override string Format => _format;
        public override bool IsSpreadsheet => false;
        public override double Fraction => _stream.Length == 0 ? 1 : Math.Clamp((double)_stream.Position / _stream.Length, 0, 1);

        private void OnMalformed(CsvMalformedRecord record)
        {
            _malformed[record.RecordNumber] = record.Reason switch
            {
                CsvMalformedReason.StrayQuote => "malformed CSV: a quote inside a field that does not start with one",
                CsvMalformedReason.TextAfterClosingQuote => "malformed CSV: text after the closing quote of a field",
                CsvMalformedReason.UnterminatedQuote => "malformed CSV: a quoted field is never closed, so the rest of the file was read into it",
                _ => "malformed CSV: " + record.Reason,
            };
        }

        public override bool Next(out int row, out string?[] cells, out string? malformed)
        {
            try
            {
                if (!_csv.Read())
                {
                    row = 0;
                    cells = [];
                    malformed = null;
                    return false;
                }
            }
            catch (CsvFormatException ex)
            {
                throw new ImportFileException(
                    $"The file cannot be read as CSV after row {_csv.RowNumber}: {ex.Message} (a quoted field that is never closed?). Nothing after that row was read.", ex);
            }

            row = checked((int)_csv.RowNumber);
            CheckUtf8();
            cells = Cells();
            malformed = _malformed.Remove(_csv.RowNumber, out var why) ? why
                : cells.Length != _columns ? $"the row has {cells.Length} fields, the header has {_columns} (a separator inside a field that is not quoted?)"
                : null;
            return true;
        }

        private void CheckUtf8()
        {
            if (_checkUtf8 && !Utf8.IsValid(_csv.RawRecord))
            {
                throw new ImportFileException(
                    $"Row {_csv.RowNumber} is not valid UTF-8, though the start of the file is: the file mixes encodings. Save it as CSV UTF-8 and import it again.");
            }
        }

        private string?[] Cells()
        {
            var cells = new string?[_csv.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                var value = _csv.GetString(i);
                cells[i] = value.Length == 0 ? null : value;
            }

            return cells;
        }

        public override void Dispose()
        {
            _csv.Dispose();
            _stream.Dispose();
        }
    }

    private sealed class XlsxReader : ImportFileReader
    {
        private readonly FileStream _stream;
        private readonly SpreadsheetDocument _document;
        private readonly OpenXmlReader _reader;
        private readonly List<string> _sharedStrings = [];
        private readonly long _sheetBytes;
        private long _rowsRead;
        private int _lastRow = 1;

        public XlsxReader(FileStream stream)
        {
            _stream = stream;
            try
            {
                _document = SpreadsheetDocument.Open(stream, false);
            }
            catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException)
            {
                throw new ImportFileException("The file is not a valid Excel workbook. Save it again from Excel as .xlsx, or as CSV.", ex);
            }

            var workbook = _document.WorkbookPart ?? throw new ImportFileException("The workbook has no sheets.");
            var sheet = workbook.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw new ImportFileException("The workbook has no sheets.");
            var part = sheet.Id?.Value is { } id ? workbook.GetPartById(id) as WorksheetPart : null;
            if (part is null)
            {
                throw new ImportFileException("The workbook's first sheet cannot be read (a chart sheet?). Put the people on the first sheet.");
            }

            if (workbook.SharedStringTablePart is { } strings)
            {
                // Read as a stream too: a million distinct addresses make a large table.
                using var sst = OpenXmlReader.Create(strings);
                while (sst.Read())
                {
                    if (sst.ElementType == typeof(SharedStringItem) && sst.IsStartElement)
                    {
                        _sharedStrings.Add(((SharedStringItem)sst.LoadCurrentElement()!).InnerText);
                    }
                }
            }

            using (var size = part.GetStream())
            {
                _sheetBytes = size.CanSeek ? size.Length : 0;
            }

            _reader = OpenXmlReader.Create(part);
            if (!Next(out _, out var header, out _))
            {
                throw new ImportFileException("The workbook's first sheet is empty: there is no header row.");
            }

            Header = header.Select(c => c ?? "").ToList();
        }

        public override string Format => $"Excel workbook (.xlsx), first sheet";
        public override bool IsSpreadsheet => true;

        // The sheet is compressed, so its position is unknown; rows of similar size make this a fair estimate.
        public override double Fraction => _sheetBytes == 0 ? 0 : Math.Clamp(_rowsRead * 120.0 / _sheetBytes, 0, 0.99);

        public override bool Next(out int row, out string?[] cells, out string? malformed)
        {
            malformed = null;
            while (_reader.Read())
            {
                if (_reader.ElementType != typeof(Row) || !_reader.IsStartElement)
                {
                    continue;
                }

                var element = (Row)_reader.LoadCurrentElement()!;
                row = element.RowIndex?.Value is { } index ? checked((int)index) : _lastRow + 1;
                _lastRow = row;
                var values = new List<string?>();
                foreach (var cell in element.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : values.Count;
                    while (values.Count < column)
                    {
                        values.Add(null);
                    }

                    values.Add(Value(cell));
                }

                while (values.Count > 0 && values[^1] is null)
                {
                    values.RemoveAt(values.Count - 1);
                }

                if (values.Count == 0)
                {
                    continue; // an empty row
                }

                if (Header.Count > 0 && values.Count < Header.Count)
                {
                    values.AddRange(Enumerable.Repeat<string?>(null, Header.Count - values.Count));
                }

                _rowsRead++;
                cells = [.. values];
                if (Header.Count > 0 && cells.Length > Header.Count)
                {
                    malformed = $"the row has values in {cells.Length} columns, the header has {Header.Count}";
                }

                return true;
            }

            row = 0;
            cells = [];
            return false;
        }

        private string? Value(Cell cell)
        {
            string? text;
            if (cell.DataType?.Value == CellValues.SharedString)
            {
                text = int.TryParse(cell.CellValue?.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < _sharedStrings.Count
                    ? _sharedStrings[i] : null;
            }
            else if (cell.DataType?.Value == CellValues.InlineString)
            {
                text = cell.InlineString?.InnerText;
            }
            else if (cell.DataType?.Value == CellValues.Boolean)
            {
                text = cell.CellValue?.Text switch { "1" => "true", "0" => "false", var t => t };
            }
            else
            {
                text = cell.CellValue?.Text;
            }

            return string.IsNullOrEmpty(text) ? null : text;
        }

        /// <summary>"C12" → 2.</summary>
        private static int ColumnIndex(string reference)
        {
            var index = 0;
            foreach (var c in reference)
            {
                if (c is < 'A' or > 'Z')
                {
                    break;
                }

                index = index * 26 + (c - 'A' + 1);
            }

            return Math.Max(0, index - 1);
        }

        public override void Dispose()
        {
            _reader.Dispose();
            _document.Dispose();
            _stream.Dispose();
        }
    }
}
