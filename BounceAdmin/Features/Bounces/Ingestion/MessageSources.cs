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
    public static IEnumerable<RawMessage> FromStream(string name, Stream stream)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (IsZip(name, bytes))
        {
            return FromZip(name, bytes);
        }

        return BounceClassifier.StartsWithMboxSeparator(bytes) ? FromMbox(name, bytes) : [new RawMessage(name, bytes)];
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

    private static IEnumerable<RawMessage> FromZip(string name, byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
        var result = new List<RawMessage>();
        foreach (var entry in entries)
        {
            var entryName = $"{name}!{entry.FullName}";
            if (entry.Length > MaxMessageBytes)
            {
                result.Add(new RawMessage(entryName, []));
                continue;
            }

            using var entryStream = entry.Open();
            result.AddRange(FromStream(entryName, entryStream));
        }

        return result;
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
