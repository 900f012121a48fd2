using System.IO.Compression;
using BounceAdmin.Features.Bounces.Classification;
using MimeKit;

namespace BounceAdmin.Features.Bounces.Ingestion;

/// <summary>One raw message to ingest: a name for messages and the quarantine, and its bytes.</summary>
public sealed record RawMessage(string Name, byte[] Content);

/// <summary>Reads raw messages from .eml files, folders of them, mbox files and zip archives.</summary>
public static class MessageSources
{
    /// <summary>A zip entry or mbox message larger than this is refused rather than read into memory.</summary>
    public const long MaxMessageBytes = 50L * 1024 * 1024;

    /// <summary>Most entries one zip may hold (issue 14: zip bombs).</summary>
    public const int MaxZipEntries = 10_000;

    /// <summary>Most bytes the entries of one zip may expand to, in all.</summary>
    public const long MaxZipUncompressedBytes = 1L * 1024 * 1024 * 1024;

    /// <summary>Highest compression ratio (uncompressed : compressed) of an archive or of an entry above 1 MB; mail compresses about 3–10 : 1.</summary>
    public const int MaxCompressionRatio = 100;

    /// <summary>
    /// Expands PATHs as the command line gives them: a file (.eml, or mbox when it starts with "From "), a folder (all
    /// *.eml below it, in ordinal name order), or a .zip. Throws <see cref="FileNotFoundException"/> for a missing path.
    /// </summary>
    public static IEnumerable<RawMessage> FromPaths(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in EmlFilesIn(path))
                {
                    yield return new RawMessage(file, File.ReadAllBytes(file));
                }
            }
            else if (File.Exists(path))
            {
                using var stream = File.OpenRead(path);
                foreach (var message in FromStream(path, stream))
                {
                    yield return message;
                }
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {path}", path);
            }
        }
    }

    /// <summary>All <c>*.eml</c> files below <paramref name="directory"/>, in ordinal name order (as classify and ingest read them).</summary>
    public static IReadOnlyList<string> EmlFilesIn(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.eml", SearchOption.AllDirectories).ToArray();
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads one uploaded or opened file: a zip, an mbox or a single message, judged by name and content.</summary>
    /// <remarks>
    /// A zip on a seekable stream (a file, an upload spooled to disk) is read in place, entry by entry, never copied into
    /// memory whole; its limits (<see cref="MaxZipEntries"/>, <see cref="MaxZipUncompressedBytes"/>,
    /// <see cref="MaxCompressionRatio"/>, no zip inside a zip) are checked on its directory before any entry is read,
    /// and again on the bytes each entry really expands to. A zip that breaks them is refused whole
    /// (<see cref="InvalidDataException"/>, so the caller quarantines it with the reason).
    /// </remarks>
    public static IEnumerable<RawMessage> FromStream(string name, Stream stream)
    {
        if (stream.CanSeek)
        {
            var head = new byte[4];
            var start = stream.Position;
            var got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            stream.Position = start;
            if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || got == 4 && head is [0x50, 0x4B, 0x03, 0x04])
            {
                return FromZip(name, stream);
            }
        }

        var bytes = ReadLimited(stream, MaxMessageBytes, name);
        if (IsZip(name, bytes))
        {
            return FromZip(name, new MemoryStream(bytes, writable: false));
        }

        return BounceClassifier.StartsWithMboxSeparator(bytes) ? FromMbox(name, bytes) : [new RawMessage(name, bytes)];
    }

    /// <summary>All of <paramref name="stream"/>, refused (InvalidDataException) past <paramref name="max"/> bytes.</summary>
    private static byte[] ReadLimited(Stream stream, long max, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new InvalidDataException($"{name} is larger than {max / (1024 * 1024)} MB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads every message of one file in full (as <see cref="FromStream"/>), or says why the file cannot be read as
    /// messages (a damaged zip or mbox): a file that breaks halfway gives none of its messages, never some of them.
    /// </summary>
    public static (IReadOnlyList<RawMessage> Messages, string? Error) ReadAll(string name, Stream stream)
    {
        try
        {
            return (FromStream(name, stream).ToList(), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or NotSupportedException or IOException)
        {
            return ([], ex.Message);
        }
    }

    private static bool IsZip(string name, byte[] bytes)
        => name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || bytes is [0x50, 0x4B, 0x03, 0x04, ..];

    private static IEnumerable<RawMessage> FromZip(string name, Stream stream)
    {
        var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
            CheckLimits(name, entries);
            var result = new List<RawMessage>();
            long expanded = 0;
            foreach (var entry in entries)
            {
                var entryName = $"{name}!{entry.FullName}";
                if (entry.FullName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"{entryName} is a zip inside a zip; nested archives are refused.");
                }

                if (entry.Length > MaxMessageBytes)
                {
                    result.Add(new RawMessage(entryName, []));
                    continue;
                }

                byte[] bytes;
                using (var entryStream = entry.Open())
                {
                    // The directory's sizes may lie: never read more than the entry says it holds (nor than a message may be).
                    bytes = ReadLimited(entryStream, Math.Min(entry.Length, MaxMessageBytes), entryName);
                }

                expanded += bytes.Length;
                if (expanded > MaxZipUncompressedBytes)
                {
                    throw new InvalidDataException($"{name} expands to more than {MaxZipUncompressedBytes / (1024 * 1024)} MB; refused.");
                }

                if (bytes is [0x50, 0x4B, 0x03, 0x04, ..])
                {
                    throw new InvalidDataException($"{entryName} is a zip inside a zip; nested archives are refused.");
                }

                result.AddRange(BounceClassifier.StartsWithMboxSeparator(bytes) ? FromMbox(entryName, bytes) : [new RawMessage(entryName, bytes)]);
            }

            return result;
        }
        finally
        {
            zip.Dispose();
        }
    }

    /// <summary>The limits of issue 14 on a zip's directory, before any entry is expanded.</summary>
    private static void CheckLimits(string name, IReadOnlyList<ZipArchiveEntry> entries)
    {
        if (entries.Count > MaxZipEntries)
        {
            throw new InvalidDataException($"{name} holds {entries.Count:N0} entries; at most {MaxZipEntries:N0} are accepted.");
        }

        long total = 0, compressed = 0;
        foreach (var e in entries)
        {
            total += e.Length;
            compressed += e.CompressedLength;
            if (e.Length > 1024 * 1024 && e.Length > (long)MaxCompressionRatio * Math.Max(1, e.CompressedLength))
            {
                throw new InvalidDataException($"{name}!{e.FullName} is compressed more than {MaxCompressionRatio}:1 ({e.Length:N0} bytes from {e.CompressedLength:N0}); refused as a zip bomb.");
            }
        }

        if (total > MaxZipUncompressedBytes)
        {
            throw new InvalidDataException($"{name} expands to {total:N0} bytes; at most {MaxZipUncompressedBytes:N0} are accepted.");
        }

        if (total > 1024 * 1024 && total > (long)MaxCompressionRatio * Math.Max(1, compressed))
        {
            throw new InvalidDataException($"{name} is compressed more than {MaxCompressionRatio}:1; refused as a zip bomb.");
        }
    }

    /// <summary>Splits an mbox with MimeKit's parser; each message is written back out, so its bytes are stable across runs.</summary>
    private static IEnumerable<RawMessage> FromMbox(string name, byte[] bytes)
    {
        var parser = new MimeParser(new MemoryStream(bytes), MimeFormat.Mbox);
        var index = 0;
        while (!parser.IsEndOfStream)
        {
            MimeMessage message;
            try
            {
                message = parser.ParseMessage();
            }
            catch (FormatException)
            {
                yield break;
            }

            index++;
            using var output = new MemoryStream();
            message.WriteTo(output);
            yield return new RawMessage($"{name}#{index}", output.ToArray());
        }
    }
}
