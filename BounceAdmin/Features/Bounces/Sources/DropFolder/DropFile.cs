using BounceAdmin.Features.Bounces.Ingestion;

namespace BounceAdmin.Features.Bounces.Sources.DropFolder;

/// <summary>
/// One dropped file read into messages, or why not: <see cref="NotYet"/> when it cannot be opened now (locked, gone;
/// tried again next poll), <see cref="Unreadable"/> when its content is not messages (it goes to <c>failed/</c>).
/// </summary>
public sealed record DropFile(IReadOnlyList<RawMessage> Messages, string? NotYet = null, string? Unreadable = null)
{
    /// <summary>Reads every message of the file (.eml, .mbox or .zip, judged as the upload judges it).</summary>
    public static DropFile Read(string path, long maxBytes)
    {
        FileStream stream;
        try
        {
            // No symbolic link is followed and no FIFO blocks the poll (issue 14); see NoFollowFile.
            stream = NoFollowFile.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DropFile([], NotYet: ex.Message);
        }

        using (stream)
        {
            if (stream.Length > maxBytes)
            {
                return new DropFile([], Unreadable: $"the file is larger than {maxBytes / (1024 * 1024)} MB");
            }

            // The messages are read in full before the ingest starts: a file that breaks halfway is not half-ingested.
            var (messages, error) = MessageSources.ReadAll(Path.GetFileName(path), stream);
            return new DropFile(messages, Unreadable: error);
        }
    }
}
