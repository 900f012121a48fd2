using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>
/// A small IMAP4rev1 server on 127.0.0.1 for the IMAP source tests: plain text, one user, folders in memory. It speaks
/// only what our client (MailKit) sends (CAPABILITY, LOGIN, LIST, SELECT/EXAMINE, UID SEARCH,
/// UID FETCH BODY.PEEK[] and RFC822.SIZE, UID STORE, UID MOVE, NOOP, LOGOUT) and answers anything else with BAD, recorded in <see cref="Unhandled"/> so a test
/// notices when the client starts sending something new.
/// </summary>
public sealed partial class ScriptedImapServer : IAsyncDisposable
{
    public const uint UidValidity = 7;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Mailbox> _folders = new(StringComparer.Ordinal) { ["INBOX"] = new() };
    private readonly Task _accepting;

    public ScriptedImapServer(string user, string password)
    {
        User = user;
        Password = password;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string User { get; }

    /// <summary>The password the server accepts; a test may change it to let a client that kept failing in.</summary>
    public string Password { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command received, without its tag (LOGIN's password is masked).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Commands answered with BAD.</summary>
    public ConcurrentQueue<string> Unhandled { get; } = new();

    private int _connections;

    /// <summary>How many connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Adds a folder (the INBOX always exists).</summary>
    public void AddFolder(string name)
    {
        lock (_gate)
        {
            _folders[name] = new Mailbox();
        }
    }

    /// <summary>Delivers a message to a folder and returns its UID.</summary>
    public uint Deliver(byte[] content, string folder = "INBOX", params string[] flags)
    {
        lock (_gate)
        {
            var mailbox = _folders[folder];
            var message = new StoredMessage(mailbox.NextUid++, content, new HashSet<string>(flags, StringComparer.OrdinalIgnoreCase));
            mailbox.Messages.Add(message);
            return message.Uid;
        }
    }

    /// <summary>A snapshot of a folder: each message's UID and flags.</summary>
    public IReadOnlyList<(uint Uid, string[] Flags)> Folder(string name)
    {
        lock (_gate)
        {
            return _folders[name].Messages.Select(m => (m.Uid, m.Flags.Order(StringComparer.Ordinal).ToArray())).ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var session = new Session(client.GetStream());
        try
        {
            await session.WriteAsync("* OK scripted IMAP4rev1 server ready\r\n");
            while (!_stop.IsCancellationRequested)
            {
                var line = await session.ReadCommandAsync(_stop.Token);
                if (line is null)
                {
                    return;
                }

                var space = line.IndexOf(' ');
                var tag = space < 0 ? line : line[..space];
                var command = space < 0 ? "" : line[(space + 1)..];
                Commands.Enqueue(LoginPattern().Replace(command, "LOGIN $1 ***"));
                var reply = Handle(session, tag, command);
                await session.WriteAsync(reply);
                if (command.Equals("LOGOUT", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up or the test ended.
        }
    }

    /// <summary>Builds the whole reply (untagged lines, then the tagged completion) to one command.</summary>
    private byte[] Handle(Session session, string tag, string command)
    {
        var args = Tokens(command);
        var verb = args.Count > 0 ? args[0].ToUpperInvariant() : "";
        var reply = new Reply();
        lock (_gate)
        {
            switch (verb)
            {
                case "CAPABILITY":
                    // UIDPLUS lets MailKit move by UID (without it, it maps the UID to a sequence number first).
                    reply.Line("* CAPABILITY IMAP4rev1 MOVE UIDPLUS").Line($"{tag} OK CAPABILITY completed");
                    break;
                case "NOOP":
                    reply.Line($"{tag} OK NOOP completed");
                    break;
                case "LOGOUT":
                    reply.Line("* BYE logging out").Line($"{tag} OK LOGOUT completed");
                    break;
                case "LOGIN" when args.Count == 3:
                    session.Authenticated = args[1] == User && args[2] == Password;
                    reply.Line(session.Authenticated ? $"{tag} OK LOGIN completed" : $"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials");
                    break;
                case "LIST" when session.Authenticated && args.Count == 3:
                    List(reply, tag, args[2]);
                    break;
                case "SELECT" or "EXAMINE" when session.Authenticated && args.Count == 2 && _folders.ContainsKey(FolderName(args[1])):
                    Select(reply, session, tag, verb, FolderName(args[1]));
                    break;
                case "UID" when session.Selected is not null && args.Count >= 3:
                    Uid(reply, session.Selected, tag, args);
                    break;
                default:
                    Unhandled.Enqueue(command);
                    reply.Line($"{tag} BAD not understood by the scripted server");
                    break;
            }
        }

        return reply.ToArray();
    }

    private void List(Reply reply, string tag, string pattern)
    {
        if (pattern.Length == 0)
        {
            // The hierarchy delimiter query.
            reply.Line("* LIST (\\Noselect) \"/\" \"\"");
        }
        else
        {
            var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("%", "[^/]*") + "$", RegexOptions.IgnoreCase);
            foreach (var name in _folders.Keys.Where(n => regex.IsMatch(n)))
            {
                reply.Line($"* LIST (\\HasNoChildren) \"/\" {Quote(name)}");
            }
        }

        reply.Line($"{tag} OK LIST completed");
    }

    private void Select(Reply reply, Session session, string tag, string verb, string name)
    {
        var mailbox = _folders[name];
        session.Selected = mailbox;
        reply.Line("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
            .Line("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] Flags permitted")
            .Line($"* {mailbox.Messages.Count} EXISTS")
            .Line("* 0 RECENT")
            .Line($"* OK [UIDVALIDITY {UidValidity}] UIDs valid")
            .Line($"* OK [UIDNEXT {mailbox.NextUid}] Predicted next UID")
            .Line($"{tag} OK [{(verb == "SELECT" ? "READ-WRITE" : "READ-ONLY")}] {verb} completed");
    }

    private void Uid(Reply reply, Mailbox mailbox, string tag, List<string> args)
    {
        var sub = args[1].ToUpperInvariant();
        switch (sub)
        {
            case "SEARCH" when args.Count == 3 && args[2].ToUpperInvariant() is "UNSEEN" or "ALL":
                var unseenOnly = args[2].Equals("UNSEEN", StringComparison.OrdinalIgnoreCase);
                var found = mailbox.Messages.Where(m => !unseenOnly || !m.Flags.Contains("\\Seen")).Select(m => m.Uid.ToString(CultureInfo.InvariantCulture));
                reply.Line(("* SEARCH " + string.Join(' ', found)).TrimEnd()).Line($"{tag} OK SEARCH completed");
                return;
            case "FETCH" when args.Count == 4 && args[3].Equals("(BODY.PEEK[])", StringComparison.OrdinalIgnoreCase):
                foreach (var m in Matching(mailbox, args[2]))
                {
                    reply.Line($"* {mailbox.Messages.IndexOf(m) + 1} FETCH (UID {m.Uid} BODY[] {{{m.Content.Length}}}")
                        .Bytes(m.Content).Line(")");
                }

                reply.Line($"{tag} OK FETCH completed");
                return;
            case "FETCH" when args.Count >= 4 && args.Skip(3).Any(a => a.Contains("RFC822.SIZE", StringComparison.OrdinalIgnoreCase)):
                // The sizes a client asks for before downloading (issue 14: oversized messages are not fetched).
                foreach (var m in Matching(mailbox, args[2]))
                {
                    reply.Line($"* {mailbox.Messages.IndexOf(m) + 1} FETCH (UID {m.Uid} RFC822.SIZE {m.Content.Length})");
                }

                reply.Line($"{tag} OK FETCH completed");
                return;
            case "STORE" when args.Count == 5 && args[3].ToUpperInvariant() is "+FLAGS" or "+FLAGS.SILENT" or "-FLAGS" or "-FLAGS.SILENT":
                var add = args[3].StartsWith('+');
                var flags = args[4].Trim('(', ')').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var m in Matching(mailbox, args[2]))
                {
                    foreach (var flag in flags)
                    {
                        _ = add ? m.Flags.Add(flag) : m.Flags.Remove(flag);
                    }

                    if (!args[3].EndsWith(".SILENT", StringComparison.OrdinalIgnoreCase))
                    {
                        reply.Line($"* {mailbox.Messages.IndexOf(m) + 1} FETCH (UID {m.Uid} FLAGS ({string.Join(' ', m.Flags)}))");
                    }
                }

                reply.Line($"{tag} OK STORE completed");
                return;
            case "MOVE" when args.Count == 4 && _folders.TryGetValue(FolderName(args[3]), out var target):
                var moving = Matching(mailbox, args[2]);
                var newUids = moving.Select(_ => target.NextUid++).ToList();
                reply.Line($"* OK [COPYUID {UidValidity} {string.Join(',', moving.Select(m => m.Uid))} {string.Join(',', newUids)}] Moved");
                foreach (var (m, uid) in moving.Zip(newUids))
                {
                    reply.Line($"* {mailbox.Messages.IndexOf(m) + 1} EXPUNGE");
                    mailbox.Messages.Remove(m);
                    target.Messages.Add(m with { Uid = uid });
                }

                reply.Line($"{tag} OK MOVE completed");
                return;
            default:
                Unhandled.Enqueue(string.Join(' ', args));
                reply.Line($"{tag} BAD not understood by the scripted server");
                return;
        }
    }

    /// <summary>The messages whose UID is in an IMAP set such as <c>1</c>, <c>1:3</c> or <c>2,5:*</c>.</summary>
    private static List<StoredMessage> Matching(Mailbox mailbox, string set)
    {
        var ranges = set.Split(',').Select(part =>
        {
            var ends = part.Split(':');
            uint Parse(string s) => s == "*" ? uint.MaxValue : uint.Parse(s, CultureInfo.InvariantCulture);
            var (a, b) = (Parse(ends[0]), Parse(ends[^1]));
            return (Min: Math.Min(a, b), Max: Math.Max(a, b));
        }).ToList();
        return mailbox.Messages.Where(m => ranges.Any(r => m.Uid >= r.Min && m.Uid <= r.Max)).ToList();
    }

    private static string FolderName(string name) => name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : name;

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Splits a command into atoms, quoted strings (unquoted) and parenthesised lists (kept whole).</summary>
    private static List<string> Tokens(string command)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < command.Length)
        {
            if (command[i] == ' ')
            {
                i++;
            }
            else if (command[i] == '"')
            {
                var value = new StringBuilder();
                for (i++; i < command.Length && command[i] != '"'; i++)
                {
                    value.Append(command[i] == '\\' ? command[++i] : command[i]);
                }

                tokens.Add(value.ToString());
                i++;
            }
            else if (command[i] == '(')
            {
                var end = command.IndexOf(')', i);
                end = end < 0 ? command.Length - 1 : end;
                tokens.Add(command[i..(end + 1)]);
                i = end + 1;
            }
            else
            {
                var end = command.IndexOf(' ', i);
                end = end < 0 ? command.Length : end;
                tokens.Add(command[i..end]);
                i = end;
            }
        }

        return tokens;
    }

    [GeneratedRegex("^LOGIN (\\S+) .*$", RegexOptions.IgnoreCase)]
    private static partial Regex LoginPattern();

    private sealed class Mailbox
    {
        public List<StoredMessage> Messages { get; } = [];

        public uint NextUid { get; set; } = 1;
    }

    private sealed record StoredMessage(uint Uid, byte[] Content, HashSet<string> Flags);

    /// <summary>A reply under construction: text lines and literal bytes.</summary>
    private sealed class Reply
    {
        private readonly MemoryStream _bytes = new();

        public Reply Line(string text, bool endLine = true)
        {
            _bytes.Write(Encoding.ASCII.GetBytes(endLine ? text + "\r\n" : text));
            return this;
        }

        public Reply Bytes(byte[] content)
        {
            _bytes.Write(content);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }

    /// <summary>One connection: reads command lines (resolving synchronizing literals) and writes replies.</summary>
    private sealed class Session(NetworkStream stream)
    {
        public bool Authenticated { get; set; }

        public Mailbox? Selected { get; set; }

        public Task WriteAsync(string text) => WriteAsync(Encoding.ASCII.GetBytes(text));

        public async Task WriteAsync(byte[] bytes)
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }

        /// <summary>One command; a literal <c>{n}</c> is read after a "+" continuation and spliced in as a quoted string.</summary>
        public async Task<string?> ReadCommandAsync(CancellationToken ct)
        {
            var command = new StringBuilder();
            while (true)
            {
                var line = await ReadLineAsync(ct);
                if (line is null)
                {
                    return null;
                }

                var literal = LiteralPattern().Match(line);
                if (!literal.Success)
                {
                    return command.Append(line).ToString();
                }

                command.Append(line[..literal.Index]);
                await WriteAsync("+ Ready for literal\r\n");
                var buffer = new byte[int.Parse(literal.Groups[1].Value, CultureInfo.InvariantCulture)];
                await stream.ReadExactlyAsync(buffer, ct);
                command.Append(Quote(Encoding.UTF8.GetString(buffer)));
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var bytes = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                if (await stream.ReadAsync(one, ct) == 0)
                {
                    return null;
                }

                if (one[0] == '\n')
                {
                    return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\r');
                }

                bytes.Add(one[0]);
            }
        }
    }

    [GeneratedRegex("\\{(\\d+)\\}$")]
    private static partial Regex LiteralPattern();
}
