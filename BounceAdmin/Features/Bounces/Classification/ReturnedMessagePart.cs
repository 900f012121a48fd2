using MimeKit;

namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>
/// A message/rfc822 part (the returned original message) kept as raw bytes while the bounce is parsed, and read on demand.
/// MimeKit's parser otherwise parses the whole returned message (every header, every body part) into a nested
/// <see cref="MimeMessage"/>, of which the classifier reads five headers (and, for a report forwarded inside a message,
/// its report parts).
/// </summary>
/// <remarks>
/// Only <see cref="BounceClassifier"/>'s own parser creates these (<see cref="BounceClassifier.ParserOptions"/> still
/// parses message/rfc822 into a <see cref="MessagePart"/>; the classifier reads both). The bytes are parsed by MimeKit
/// as the one part of a multipart, as the parser met them inside the bounce.
/// </remarks>
public sealed class ReturnedMessagePart : MimePart
{
    /// <summary>The headers of the returned message the classifier reads (and Content-Type, which types its body).</summary>
    private static readonly string[] ReadHeaders = ["To", "From", "Message-ID", "Content-Type", BounceClassifier.SendIdHeader, "X-HmXmrOriginalRecipient"];

    private MimeMessage? headers;
    private MimeMessage? full;
    private HeaderList? fields;
    private bool headersRead;
    private bool fullRead;
    private bool fieldsRead;

    /// <summary>Called by MimeKit's parser for each message/rfc822 part.</summary>
    public ReturnedMessagePart(MimeEntityConstructorArgs args)
        : base(args)
    {
    }

    /// <summary>
    /// The returned message with only the headers the classifier reads (To, From, Message-ID, Content-Type and our send
    /// id) and an empty body typed by its Content-Type (so <c>Body is Multipart</c> and its content type are as in the
    /// full parse); null when the part has no content (MimeKit then has no message either).
    /// </summary>
    internal MimeMessage? HeadersOnly()
    {
        if (!headersRead)
        {
            headersRead = true;
            headers = Parse(headersOnly: true);
        }

        return headers;
    }

    /// <summary>
    /// The header fields the classifier reads (those of <see cref="HeadersOnly"/>), parsed as a bare header list: no
    /// message object, no body. A message object costs MimeKit about ten times as much (its address lists, change
    /// events and an empty body typed by the Content-Type), and most returned parts need none. Null when the part's
    /// header block is not made of whole fields only (<see cref="HeadersOnly"/> then reads it as MimeKit would) or the part
    /// has no content.
    /// </summary>
    internal HeaderList? Fields()
    {
        if (!fieldsRead)
        {
            fieldsRead = true;
            fields = ParseFields();
        }

        return fields;
    }

    private HeaderList? ParseFields()
    {
        if (ReadContent() is not { } content || FieldBlock(content.Span) is not { } block)
        {
            return null;
        }

        try
        {
            return ParserFor(block).ParseHeaders();
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// The read header fields of <paramref name="content"/> alone (<see cref="WriteReadHeaders"/>) in the thread's buffer,
    /// ready to parse; null when the block is not made of whole fields only. Read at the top level, they parse exactly as
    /// inside the multipart, without the envelope (a second message, a multipart and their headers).
    /// </summary>
    private static MemoryStream? FieldBlock(ReadOnlySpan<byte> content)
    {
        var block = Scratch(ref threadWrapped);
        if (!WriteReadHeaders(content, block))
        {
            return null;
        }

        block.Position = 0;
        return block;
    }

    /// <summary>The whole returned message, parsed as MimeKit parses message/rfc822 (nested parts included).</summary>
    internal MimeMessage? Full()
    {
        if (!fullRead)
        {
            fullRead = true;
            full = Parse(headersOnly: false);
        }

        return full;
    }

    /// <summary>The part's raw (not transfer-decoded) bytes in the thread's buffer, or null when it has no content.</summary>
    private ReadOnlyMemory<byte>? ReadContent()
    {
        if (Content?.Stream is not { CanRead: true } raw)
        {
            return null;
        }

        // MimeKit parses a message/rfc822 part's bytes as they are.
        var content = Scratch(ref threadContent);
        var position = raw.CanSeek ? raw.Position : 0;
        if (raw.CanSeek)
        {
            raw.Position = 0;
        }

        raw.CopyTo(content);
        if (raw.CanSeek)
        {
            raw.Position = position;
        }

        return content.GetBuffer().AsMemory(0, (int)content.Length);
    }

    private MimeMessage? Parse(bool headersOnly)
    {
        if (ReadContent() is not { } content)
        {
            return null;
        }

        var bytes = content.Span;
        if (headersOnly && FieldBlock(bytes) is { } fieldBlock)
        {
            try
            {
                return ParserFor(fieldBlock).ParseMessage();
            }
            finally
            {
                Release();
            }
        }

        var newline = bytes.IndexOf((byte)'\n') is var lf && lf > 0 && bytes[lf - 1] == '\r' ? "\r\n"u8 : "\n"u8;
        var boundary = "=_bounceadmin_returned_"u8.ToArray();
        while (bytes.IndexOf(boundary) >= 0)
        {
            boundary = [.. boundary, (byte)'x'];
        }

        // The message as the one part of a multipart, exactly as the parser met it inside the bounce: a nested message's
        // headers are parsed leniently there (a first line that is no header starts the body instead of failing), and a
        // part without content has no message. The line break before the closing boundary belongs to the boundary.
        var wrapped = Scratch(ref threadWrapped);
        wrapped.Write("Content-Type: multipart/mixed; boundary=\""u8);
        wrapped.Write(boundary);
        wrapped.Write("\""u8);
        wrapped.Write(newline);
        wrapped.Write(newline);
        wrapped.Write("--"u8);
        wrapped.Write(boundary);
        wrapped.Write(newline);
        wrapped.Write("Content-Type: message/rfc822"u8);
        wrapped.Write(newline);
        wrapped.Write(newline);
        if (headersOnly)
        {
            WriteReadHeaders(bytes, wrapped);
        }
        else
        {
            wrapped.Write(bytes);
        }

        wrapped.Write(newline);
        wrapped.Write("--"u8);
        wrapped.Write(boundary);
        wrapped.Write("--"u8);
        wrapped.Write(newline);
        wrapped.Position = 0;
        MimeMessage envelope;
        try
        {
            envelope = ParserFor(wrapped).ParseMessage();
        }
        finally
        {
            Release();
        }

        using (envelope)
        {
            if (envelope.Body is Multipart { Count: > 0 } multipart && multipart[0] is MessagePart part)
            {
                // Detached, so disposing the envelope leaves it alone.
                var message = part.Message;
                part.Message = null;
                return message;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the header block of <paramref name="message"/> with only the <see cref="ReadHeaders"/> (and their folded
    /// lines), then the empty line that ends it: see <see cref="WriteHeaders"/>.
    /// </summary>
    /// <returns>True when every line written is a whole header field (or the empty line after them).</returns>
    internal static bool WriteReadHeaders(ReadOnlySpan<byte> message, Stream into) =>
        WriteHeaders(message, into, ReadHeaders, contentHeaders: false, out _, out _);

    /// <summary>
    /// Writes the header block of <paramref name="message"/> with only the header fields named in
    /// <paramref name="names"/> (any case; with <paramref name="contentHeaders"/> also every Content-* field) and their
    /// folded lines, then the empty line that ends the block. Only lines that are certainly whole header fields are left
    /// out (a name of letters, digits and '-' right before the colon, or a folded line of such a field); from the first
    /// line that is anything else (not a header, a header MimeKit may read differently) to the end of the block, every
    /// line is kept as it is. So MimeKit reads the kept fields exactly as in the whole block, and stops where it would.
    /// </summary>
    /// <param name="message">The message (or header block).</param>
    /// <param name="into">Where the filtered block goes.</param>
    /// <param name="names">The header fields to keep.</param>
    /// <param name="contentHeaders">Whether to keep every Content-* field too.</param>
    /// <param name="kept">How many header fields were kept.</param>
    /// <param name="blockEnd">Where the block ends in <paramref name="message"/> (after its empty line).</param>
    /// <returns>True when every line written is a whole header field (or the empty line after them).</returns>
    internal static bool WriteHeaders(ReadOnlySpan<byte> message, Stream into, string[] names, bool contentHeaders, out int kept, out int blockEnd)
    {
        var start = 0;
        var keep = false;
        var inField = false;
        kept = 0;
        while (start < message.Length)
        {
            var newline = message[start..].IndexOf((byte)'\n');
            var end = newline < 0 ? message.Length : start + newline + 1;
            var line = message[start..end];
            var content = TrimLineEnd(line);
            if (content.IsEmpty)
            {
                into.Write(line);
                blockEnd = end;
                return true;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (!inField)
                {
                    break;
                }

                if (keep)
                {
                    into.Write(line);
                }

                start = end;
                continue;
            }

            var colon = content.IndexOf((byte)':');
            if (colon <= 0 || !IsFieldName(content[..colon]))
            {
                break;
            }

            inField = true;
            keep = IsNamed(content[..colon], names) || (contentHeaders && colon > 8 && System.Text.Ascii.EqualsIgnoreCase(content[..8], "content-"u8));
            if (keep)
            {
                into.Write(line);
                kept++;
            }

            start = end;
        }

        // The rest of the block as it is (up to and including its empty line, or to the end).
        var rest = message[start..];
        var length = BlockLength(rest);
        into.Write(rest[..length]);
        blockEnd = start + length;
        return rest.IsEmpty && start > 0;
    }

    /// <summary>
    /// <paramref name="line"/> without its trailing CRs and LFs, as <c>line.TrimEnd("\r\n"u8)</c>: a loop, since that
    /// generic byte overload is in no precompiled image (JIT-compiled, then slow tier-0 code for most of a short run).
    /// </summary>
    internal static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line)
    {
        var length = line.Length;
        while (length > 0 && line[length - 1] is (byte)'\r' or (byte)'\n')
        {
            length--;
        }

        return line[..length];
    }

    /// <summary><paramref name="value"/> without leading and trailing blanks, CRs and LFs (see <see cref="TrimLineEnd"/>).</summary>
    internal static ReadOnlySpan<byte> TrimBlanks(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        var end = value.Length;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        return value[start..end];
    }

    /// <summary>Whether a field name is made of letters, digits and dashes only (a loop: field names are short).</summary>
    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNamed(ReadOnlySpan<byte> name, string[] names)
    {
        foreach (var header in names)
        {
            if (name.Length == header.Length && System.Text.Ascii.EqualsIgnoreCase(name, header))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The length up to and including the first empty line; all of it when there is none.</summary>
    private static int BlockLength(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (start < bytes.Length)
        {
            var newline = bytes[start..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var line = bytes.Slice(start, newline);
            if (line.IsEmpty || (line.Length == 1 && line[0] == '\r'))
            {
                return start + newline + 1;
            }

            start += newline + 1;
        }

        return bytes.Length;
    }

    /// <summary>The thread's buffers and parser for returned messages: allocated once, not per message.</summary>
    [ThreadStatic]
    private static MemoryStream? threadContent;

    [ThreadStatic]
    private static MemoryStream? threadWrapped;

    [ThreadStatic]
    private static MimeParser? threadParser;

    private static MemoryStream Scratch(ref MemoryStream? stream)
    {
        var scratch = stream ??= new MemoryStream();
        scratch.SetLength(0);
        return scratch;
    }

    private static MimeParser ParserFor(Stream input)
    {
        if (threadParser is { } parser)
        {
            parser.SetStream(input, MimeFormat.Entity, persistent: false);
            return parser;
        }

        return threadParser = new MimeParser(BounceClassifier.ParserOptions, input, MimeFormat.Entity, persistent: false);
    }

    /// <summary>The parsed message holds copies: the thread's parser and buffers do not keep a huge returned message alive.</summary>
    private static void Release()
    {
        threadParser?.SetStream(Stream.Null, MimeFormat.Entity, persistent: false);
        if (threadContent?.Capacity > 1 << 20)
        {
            threadContent = null;
        }

        if (threadWrapped?.Capacity > 1 << 20)
        {
            threadWrapped = null;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            headers?.Dispose();
            full?.Dispose();
        }

        base.Dispose(disposing);
    }
}
