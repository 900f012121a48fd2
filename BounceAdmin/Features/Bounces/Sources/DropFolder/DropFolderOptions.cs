namespace BounceAdmin.Features.Bounces.Sources.DropFolder;

/// <summary>Configuration of the drop folder source (section <c>BounceSources:DropFolder</c>). Off while <see cref="Path"/> is empty.</summary>
public sealed class DropFolderOptions
{
    public const string Section = "BounceSources:DropFolder";

    /// <summary>The folder to watch. Its <c>processed/</c> and <c>failed/</c> subfolders are created as needed.</summary>
    public string? Path { get; set; }

    /// <summary>The wait between polls.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A file is taken only once it has not been written for this long, so a file still being copied in is left for a
    /// later poll. Writers that can should write <c>name.eml.tmp</c> and rename it: other extensions are never taken.
    /// </summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Files larger than this are not read into memory: they go to <c>failed/</c>.</summary>
    public long MaxFileBytes { get; set; } = 200L * 1024 * 1024;
}
