using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BounceAdmin.Tests.Features.Import;

/// <summary>Import files written to a temporary folder that is deleted with this object.</summary>
public sealed class ImportFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bounceadmin-import-").FullName;

    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, [.. (encoding?.GetPreamble() ?? []), .. (encoding ?? new UTF8Encoding(false)).GetBytes(text)]);
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A workbook whose first sheet holds <paramref name="rows"/>: strings as shared strings, numbers as numbers, bools as booleans.</summary>
    public string Xlsx(string name, params object?[][] rows)
    {
        var path = Path.Combine(_dir, name);
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var strings = workbook.AddNewPart<SharedStringTablePart>();
        strings.SharedStringTable = new SharedStringTable();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        var index = new Dictionary<string, int>();
        for (var r = 0; r < rows.Length; r++)
        {
            var row = new Row { RowIndex = (uint)(r + 1) };
            for (var c = 0; c < rows[r].Length; c++)
            {
                var reference = $"{(char)('A' + c)}{r + 1}";
                switch (rows[r][c])
                {
                    case null:
                        continue;
                    case string s:
                        if (!index.TryGetValue(s, out var i))
                        {
                            i = index[s] = index.Count;
                            strings.SharedStringTable.AppendChild(new SharedStringItem(new Text(s)));
                        }

                        row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(i) });
                        break;
                    case bool b:
                        row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") });
                        break;
                    case double d:
                        row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(d) });
                        break;
                }
            }

            data.AppendChild(row);
        }

        sheetPart.Worksheet = new Worksheet(data);
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        sheets.AppendChild(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "People" });
        workbook.Workbook.Save();
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
