using System.Globalization;

namespace BounceAdmin.Features.Bounces.Sources.DropFolder;

/// <summary>File handling of the drop folder: which files are ready, and moving them aside without overwriting anything.</summary>
public static class DropFolderFiles
{
    /// <summary>Where files go once their messages are committed.</summary>
    public const string ProcessedFolder = "processed";

    /// <summary>Where files go that cannot be read as messages.</summary>
    public const string FailedFolder = "failed";

    private static readonly string[] Extensions = [".eml", ".mbox", ".zip"];

    /// <summary>
    /// The .eml, .mbox and .zip files directly in <paramref name="folder"/> that nobody has written to for
    /// <paramref name="settleTime"/>, in ordinal name order. Hidden files and any other extension (<c>.tmp</c>, <c>.part</c>)
    /// are left alone: that is how a writer marks a file it has not finished. Symbolic links and anything that is not a
    /// plain file (a FIFO, a device) are skipped and never touched (issue 14).
    /// </summary>
    public static IReadOnlyList<string> ReadyFiles(string folder, DateTime nowUtc, TimeSpan settleTime)
        => new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && Extensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase))
            .Where(NoFollowFile.LooksRegular)
            .Where(f => nowUtc - f.LastWriteTimeUtc >= settleTime)
            .Select(f => f.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Moves <paramref name="file"/> into <paramref name="subfolder"/> beside it as <c>{UTC time}-{name}</c>, adding a
    /// counter when that name is taken: a file dropped twice never overwrites the first one. Returns the new path.
    /// </summary>
    public static string MoveAside(string file, string subfolder, DateTime nowUtc)
    {
        var folder = Path.Combine(Path.GetDirectoryName(file)!, subfolder);
        if (new DirectoryInfo(folder) is { Exists: true, LinkTarget: not null } || File.Exists(folder))
        {
            // processed/ or failed/ replaced by a link (or a file): nothing is moved through it.
            throw new IOException($"{folder} is a symbolic link or not a folder; files are not moved through it.");
        }

        Directory.CreateDirectory(folder);
        var stamp = nowUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var name = Path.GetFileName(file);
        for (var n = 0; ; n++)
        {
            var target = Path.Combine(folder, n == 0 ? $"{stamp}-{name}" : $"{stamp}-{n}-{name}");
            if (File.Exists(target))
            {
                continue;
            }

            try
            {
                File.Move(file, target, overwrite: false);
                return target;
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another process took that name between the check and the move: try the next one.
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> to a new file at <paramref name="path"/>: never through an existing file or link
    /// (CreateNew is O_CREAT | O_EXCL, which fails on any existing name, a dangling link included).
    /// </summary>
    public static async Task WriteNewTextAsync(string path, string text, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), ct);
    }
}
