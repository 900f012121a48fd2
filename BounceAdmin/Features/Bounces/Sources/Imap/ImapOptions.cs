namespace BounceAdmin.Features.Bounces.Sources.Imap;

/// <summary>How the connection to the IMAP server is secured.</summary>
public enum ImapSecurity
{
    /// <summary>TLS from the first byte (usually port 993).</summary>
    SslOnConnect,

    /// <summary>Plain connection upgraded with STARTTLS, which is required (usually port 143).</summary>
    StartTls,

    /// <summary>No TLS at all: only for a server on the same machine or a test.</summary>
    None,
}

/// <summary>
/// Configuration of the IMAP bounce mailbox (section <c>BounceSources:Imap</c>). Off while <see cref="Host"/> is empty.
/// Put <see cref="Password"/> in user-secrets or an environment variable (<c>BounceSources__Imap__Password</c>), not in
/// appsettings.json; it is never logged or shown.
/// </summary>
public sealed class ImapOptions
{
    public const string Section = "BounceSources:Imap";

    /// <summary>The IMAP server's host name.</summary>
    public string? Host { get; set; }

    /// <summary>The port; 0 means the usual one for <see cref="Security"/> (993 for SslOnConnect, else 143).</summary>
    public int Port { get; set; }

    /// <summary>How the connection is secured.</summary>
    public ImapSecurity Security { get; set; } = ImapSecurity.SslOnConnect;

    /// <summary>The mailbox user.</summary>
    public string? Username { get; set; }

    /// <summary>The mailbox password (or app password).</summary>
    public string? Password { get; set; }

    /// <summary>The folder the bounces arrive in.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>
    /// When set, each ingested message is marked read and moved to this folder (which must exist). When empty, it is
    /// only marked read (\Seen) and stays where it is; only unread messages are ever fetched.
    /// </summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>The wait between polls.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many messages per poll, so one poll of a full mailbox does not run for hours.</summary>
    public int MaxMessagesPerPoll { get; set; } = 500;

    /// <summary>
    /// A message larger than this (bytes, the server's RFC822.SIZE) is not downloaded whole: its first MB goes to the
    /// quarantine with its size, and it is marked read so the next poll does not fetch it again (issue 14).
    /// </summary>
    public long MaxMessageBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>How long one network operation may take before the poll gives up.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The port actually used.</summary>
    public int EffectivePort => Port > 0 ? Port : Security == ImapSecurity.SslOnConnect ? 993 : 143;
}
