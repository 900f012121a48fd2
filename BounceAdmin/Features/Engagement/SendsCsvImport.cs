using System.Globalization;
using System.Text;
using BounceAdmin.Identity;
using CsvHelper;

namespace BounceAdmin.Features.Engagement;

/// <summary>The JSON summary line of <c>import sends</c>.</summary>
public sealed record SendsImportSummary(int Rows, int Created, int Duplicates, int UnknownRecipients, int PeopleCreated, int EmailsCreated);

/// <summary>
/// <c>import sends FILE</c>: a one-off history load of sends from CSV (CsvHelper; delimiter detected; UTF-8 with or
/// without BOM), through <see cref="SendsService"/> in batches of <see cref="EngagementLimits.MaxBatch"/>. The whole file
/// is checked before anything is written (every bad row is reported with its line); each batch is then applied whole,
/// and sends are idempotent by external id, so a failed load can simply be run again.
/// </summary>
/// <remarks>
/// Columns are found by header, case, spaces, underscores and hyphens ignored: Email Name, Email External Id, Program,
/// Recipient (or Email / Email Address), Sent At (or Sent Date / Sent), External Id (or Send Id), Message Id.
/// </remarks>
public static class SendsCsvImport
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["emailname"] = nameof(SendJson.EmailName), ["email"] = nameof(SendJson.Recipient),
        ["emailexternalid"] = nameof(SendJson.EmailExternalId), ["emailid"] = nameof(SendJson.EmailExternalId),
        ["program"] = nameof(SendJson.Program), ["programname"] = nameof(SendJson.Program),
        ["recipient"] = nameof(SendJson.Recipient), ["emailaddress"] = nameof(SendJson.Recipient), ["address"] = nameof(SendJson.Recipient),
        ["sentat"] = nameof(SendJson.SentAt), ["sentdate"] = nameof(SendJson.SentAt), ["sent"] = nameof(SendJson.SentAt),
        ["externalid"] = nameof(SendJson.ExternalId), ["sendid"] = nameof(SendJson.ExternalId), ["externalsendid"] = nameof(SendJson.ExternalId),
        ["messageid"] = nameof(SendJson.MessageId),
    };

    /// <summary>Checks the whole file, then records its sends as <paramref name="caller"/>.</summary>
    /// <exception cref="BatchRejectedException">A bad row (its index is the file's line number) or a bad header: nothing was written.</exception>
    public static async Task<SendsImportSummary> ImportAsync(SendsService sends, ICurrentUser caller, string path, bool createPeople,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var errors = new List<ItemError>();
        var rows = 0;
        foreach (var chunk in Read(path, errors))
        {
            rows += chunk.Count;
            Check(chunk, errors);
            if (errors.Count >= 100)
            {
                break;
            }
        }

        if (errors.Count > 0)
        {
            throw new BatchRejectedException(errors);
        }

        int created = 0, duplicates = 0, unknown = 0, people = 0, emails = 0, done = 0;
        foreach (var chunk in Read(path, errors))
        {
            ct.ThrowIfCancellationRequested();
            SendBatchResult result;
            try
            {
                result = await sends.RecordAsync(caller, [.. chunk.Select(c => c.Record)], createPeople, ct);
            }
            catch (BatchRejectedException ex)
            {
                // Name the file's lines, not the positions in the batch.
                throw new BatchRejectedException([.. ex.Errors.Select(e => e with { Index = e.Index < 0 ? -1 : chunk[e.Index].Line })]);
            }

            (created, duplicates, unknown) = (created + result.Created, duplicates + result.Duplicates, unknown + result.UnknownRecipients);
            (people, emails, done) = (people + result.PeopleCreated, emails + result.EmailsCreated, done + chunk.Count);
            progress?.Report(done);
        }

        return new SendsImportSummary(rows, created, duplicates, unknown, people, emails);
    }

    private sealed record Row(int Line, SendRecord Record);

    /// <summary>The file's rows in chunks of one batch; rows that cannot even be read become errors (by line).</summary>
    private static IEnumerable<List<Row>> Read(string path, List<ItemError> errors)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        // Separator detected (, ; tab |), header names matched without case, spaces, underscores and hyphens.
        var options = CsvReaderOptions.Default with { TrackLineNumbers = true, NormalizeHeaderName = Key };
        using var csv = CsvReader.Create(reader, options);
        string?[] map;
        try
        {
            var header = csv.Headers;
            if (header.Count == 0)
            {
                errors.Add(new ItemError(1, "", "the file is empty: the first line must name the columns"));
                yield break;
            }

            map = [.. header.Select(h => Headers.GetValueOrDefault(Key(h)))];
        }
        catch (Exception ex) when (ex is DecoderFallbackException or CsvFormatException)
        {
            errors.Add(new ItemError(1, "", ex is DecoderFallbackException
                ? "the file is not UTF-8 text; save it as UTF-8 and try again"
                : "the header line cannot be read: " + ex.Message));
            yield break;
        }

        foreach (var required in new[] { nameof(SendJson.Recipient), nameof(SendJson.SentAt) })
        {
            if (!map.Contains(required))
            {
                errors.Add(new ItemError(1, required, $"no column for {required} (the header has: {string.Join(", ", csv.Headers)})"));
            }
        }

        if (errors.Count > 0)
        {
            yield break;
        }

        var chunk = new List<Row>(EngagementLimits.MaxBatch);
        while (true)
        {
            bool more;
            try
            {
                more = csv.Read();
            }
            catch (Exception ex) when (ex is DecoderFallbackException or CsvFormatException)
            {
                errors.Add(new ItemError(ex is CsvFormatException { LineNumber: > 0 } f ? (int)f.LineNumber : -1, "", ex is DecoderFallbackException
                    ? "the file is not UTF-8 text; save it as UTF-8 and try again"
                    : "a line cannot be read as CSV: " + ex.Message));
                yield break;
            }

            if (!more)
            {
                break;
            }

            var line = (int)csv.LineNumber;
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < map.Length && i < csv.FieldCount; i++)
            {
                if (map[i] is { } field && !values.ContainsKey(field))
                {
                    values[field] = csv.GetString(i);
                }
            }

            if (values.Values.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (!IsoTimestamp.TryParse(values.GetValueOrDefault(nameof(SendJson.SentAt)), out var sentAt, out var why))
            {
                errors.Add(new ItemError(line, "sentAt", why));
                continue;
            }

            chunk.Add(new Row(line, new SendRecord(
                values.GetValueOrDefault(nameof(SendJson.EmailName)), values.GetValueOrDefault(nameof(SendJson.EmailExternalId)),
                values.GetValueOrDefault(nameof(SendJson.Program)), values.GetValueOrDefault(nameof(SendJson.Recipient)) ?? "",
                sentAt, values.GetValueOrDefault(nameof(SendJson.ExternalId)), values.GetValueOrDefault(nameof(SendJson.MessageId)))));
            if (chunk.Count == EngagementLimits.MaxBatch)
            {
                yield return chunk;
                chunk = new List<Row>(EngagementLimits.MaxBatch);
            }
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static void Check(List<Row> chunk, List<ItemError> errors)
    {
        try
        {
            _ = SendsService.NormalizeOrThrow([.. chunk.Select(c => c.Record)]);
        }
        catch (BatchRejectedException ex)
        {
            errors.AddRange(ex.Errors.Select(e => e with { Index = chunk[e.Index].Line }));
        }
    }

    private static string Key(string header)
        => new([.. header.Where(c => c is not (' ' or '_' or '-' or '.')).Select(char.ToLowerInvariant)]);
}
