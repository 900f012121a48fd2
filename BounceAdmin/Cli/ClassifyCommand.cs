using System.Buffers;
using System.Text;
using System.Text.Json;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces.Classification;
using BounceAdmin.Features.Bounces.Ingestion;
using MimeKit;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>classify PATH...</c>: prints the classification of .eml files, folders of them (all *.eml below, ordinal name
/// order) and mbox files as JSON Lines, one object per recipient per message, in input order. Touches no database.
/// Exit code 0 when every path was read, 1 when a file could not be read, 2 for a usage error or a missing path.
/// </summary>
public static class ClassifyCommand
{
    /// <summary>How far (in messages) the workers may run ahead of the writer: bounds the results held in memory.</summary>
    private const int Window = 4096;

    /// <summary>Results are written in chunks of this many messages (in input order).</summary>
    private const int Chunk = 32;

    /// <summary>Runs the command, writing JSON Lines to <paramref name="output"/> (standard output when null).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        if (output is null)
        {
            // The command's own process only reads. .NET emulates Windows share modes on Unix with an advisory flock
            // (lock + unlock: two system calls per file, ~15 % of the kernel time of a large run); this process takes no
            // part in that convention. Switched before any file handle exists (the switch is read once per process),
            // and not when called in-process with a writer (tests).
            AppContext.SetSwitch("System.IO.DisableFileLocking", true);
        }

        if (args.Length == 0 || args.Any(a => a is "-h" or "--help"))
        {
            await (error ?? Console.Error).WriteLineAsync("Usage: classify PATH...   (PATH: an .eml file, a folder of .eml files, or an mbox file)");
            return 2;
        }

        // Started before standard output is opened (the console's set-up took ~2 ms), so the warm-up overlaps it too.
        var warmUp = StartWarmUp();
        if (output is null)
        {
            // Standard output is unbuffered: one write call per message would be one system call per message. Disposed
            // (flushed) synchronously: the console stream has no asynchronous write, so an asynchronous flush queued a
            // work item that started the thread pool and JIT-compiled the async state machines of the whole call chain
            // (~25 methods) at the very end of the run.
            using var stdout = Console.OpenStandardOutput();
            using var buffered = new BufferedStream(stdout, 1 << 16);
            return await RunAsync(args, buffered, error, warmUp);
        }

        using var buffer = new MemoryStream();
        var code = await RunAsync(args, buffer, error, warmUp);
        await output.WriteAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        await output.FlushAsync();
        return code;
    }

    /// <summary>Runs the command, writing UTF-8 JSON Lines to <paramref name="output"/>.</summary>
    /// <param name="args">The paths.</param>
    /// <param name="output">Where the JSON Lines go.</param>
    /// <param name="error">Where problems with the paths are reported; standard error when null. Standard error is
    /// opened only when there is something to report: setting up the console's writer took ~5 ms, before the warm-up.</param>
    public static Task<int> RunAsync(string[] args, Stream output, TextWriter? error) => RunAsync(args, output, error, StartWarmUp());

    private static async Task<int> RunAsync(string[] args, Stream output, TextWriter? error, Thread warmUp)
    {
        var exit = 0;
        var items = new List<WorkItem>();
        foreach (var path in args)
        {
            if (Directory.Exists(path))
            {
                items.AddRange(MessageSources.EmlFilesIn(path).Select(f => new WorkItem(f, null, 0)));
            }
            else if (File.Exists(path))
            {
                if (IsMbox(path))
                {
                    exit = Math.Max(exit, await AddMboxAsync(path, items, error ?? Console.Error));
                }
                else
                {
                    items.Add(new WorkItem(path, null, 0));
                }
            }
            else
            {
                await (error ?? Console.Error).WriteLineAsync($"classify: no such file or folder: {path}");
                exit = 2;
            }
        }

        var failed = ClassifyInOrder(items, output);
        // Synchronous, as the writes before it (see the standard output case above).
        output.Flush();
        warmUp.Join();
        return exit != 0 ? exit : failed > 0 ? 1 : 0;
    }

    /// <summary>
    /// Classifies <paramref name="items"/> on one worker thread per core and writes the results in input order, a chunk
    /// of <see cref="Chunk"/> messages as soon as the whole chunk is done: no batch barrier where a core waits for the
    /// slowest message or for the output, and one wake-up of the writer per chunk instead of per message (waking it per
    /// message cost thousands of futex calls and spinning yields). Workers stay at most <see cref="Window"/> messages
    /// ahead of the writer, which bounds the memory held by results. Returns how many files could not be read.
    /// </summary>
    private static int ClassifyInOrder(List<WorkItem> items, Stream output)
    {
        var count = items.Count;
        if (count == 0)
        {
            return 0;
        }

        var results = new byte[]?[count];
        var chunks = (count + Chunk - 1) / Chunk;
        var pending = new int[chunks];
        for (var c = 0; c < chunks; c++)
        {
            pending[c] = Math.Min(Chunk, count - (c * Chunk));
        }

        var gate = new object();
        var next = -1;
        var failed = 0;
        var writtenChunks = 0;
        var awaitedChunk = -1;
        var stalledWorkers = 0;
        Exception? crash = null;

        // Wakes whoever waits on the gate: the writer for its chunk, or workers held back by the window.
        void WakeAll()
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        }

        // Records the first failure (a worker's crash or the output's) and wakes everyone, so all of them stop.
        void Stop(Exception ex)
        {
            lock (gate)
            {
                crash ??= ex;
                Monitor.PulseAll(gate);
            }
        }

        void Work()
        {
            try
            {
                while (true)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= count || Volatile.Read(ref crash) is not null)
                    {
                        return;
                    }

                    if (i - (Volatile.Read(ref writtenChunks) * Chunk) >= Window)
                    {
                        lock (gate)
                        {
                            // Interlocked (a full fence) pairs with the writer's: one of the two sees the other's update.
                            Interlocked.Increment(ref stalledWorkers);
                            while (i - (Volatile.Read(ref writtenChunks) * Chunk) >= Window && crash is null)
                            {
                                Monitor.Wait(gate);
                            }

                            Interlocked.Decrement(ref stalledWorkers);
                        }
                    }

                    var (bytes, readFailed) = Render(items[i]);
                    if (readFailed)
                    {
                        Interlocked.Increment(ref failed);
                    }

                    results[i] = bytes;
                    // Interlocked: a full fence, so either this worker sees the writer waiting or the writer sees the count.
                    if (Interlocked.Decrement(ref pending[i / Chunk]) == 0 && Volatile.Read(ref awaitedChunk) == i / Chunk)
                    {
                        WakeAll();
                    }
                }
            }
            catch (Exception ex)
            {
                Stop(ex);
            }
        }

        // Dedicated threads: the thread pool would first have to grow to the core count, and the writer blocks.
        var workers = new Thread[Math.Min(Environment.ProcessorCount, count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(Work) { IsBackground = true, Name = "classify" };
            workers[w].Start();
        }

        try
        {
            for (var c = 0; c < chunks; c++)
            {
                if (Volatile.Read(ref pending[c]) != 0)
                {
                    lock (gate)
                    {
                        Interlocked.Exchange(ref awaitedChunk, c);
                        while (Volatile.Read(ref pending[c]) != 0 && crash is null)
                        {
                            Monitor.Wait(gate);
                        }

                        awaitedChunk = -1;
                    }
                }

                if (Volatile.Read(ref crash) is { } ex)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
                }

                for (int i = c * Chunk, end = Math.Min(i + Chunk, count); i < end; i++)
                {
                    output.Write(results[i]);
                    results[i] = null;
                }

                Interlocked.Exchange(ref writtenChunks, c + 1);
                if (Volatile.Read(ref stalledWorkers) > 0)
                {
                    WakeAll();
                }
            }
        }
        catch (Exception ex)
        {
            // The output failed (a closed pipe) or a worker crashed: stop the workers before leaving.
            Stop(ex);
            throw;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Join();
            }
        }

        return failed;
    }

    /// <summary>One message to classify: a file, or a message already read from an mbox.</summary>
    private sealed record WorkItem(string File, MimeMessage? Message, int MboxIndex);

    private static bool IsMbox(string path)
    {
        Span<byte> head = stackalloc byte[5];
        using var stream = File.OpenRead(path);
        return BounceClassifier.StartsWithMboxSeparator(head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)]);
    }

    private static async Task<int> AddMboxAsync(string path, List<WorkItem> items, TextWriter error)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var parser = new MimeParser(BounceClassifier.ParserOptions, stream, MimeFormat.Mbox);
            var index = 0;
            while (!parser.IsEndOfStream)
            {
                var message = await parser.ParseMessageAsync();
                items.Add(new WorkItem(path, message, ++index));
            }

            return 0;
        }
        catch (Exception ex) when (ex is FormatException or IOException or ParseException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"classify: cannot read mbox {path}: {ex.Message}");
            return 1;
        }
    }

    private static (byte[] Json, bool ReadFailed) Render(WorkItem item)
    {
        var state = WorkerState.Current;
        ClassificationResult result;
        var readFailed = false;
        if (item.Message is not null)
        {
            result = BounceClassifier.Classify(item.Message);
        }
        else
        {
            try
            {
                result = BounceClassifier.Classify(state.Read(item.File));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                result = ClassificationResult.Failed("cannot read file: " + ex.Message);
                readFailed = true;
            }
        }

        return (ToJson(state, item, result), readFailed);
    }

    private static byte[] ToJson(WorkerState state, WorkItem item, ClassificationResult result)
    {
        var buffer = state.Json;
        buffer.Clear();
        var writer = state.Writer;
        writer.Reset(buffer);
        Write(writer, buffer, item, result);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Starts <see cref="WarmUp"/> on a thread of its own, not Task.Run: the thread pool's first work item waited 6–11 ms
    /// for the pool to start its threads, most of the time the main thread spends listing the input, which is what the
    /// warm-up overlaps.
    /// </summary>
    private static Thread StartWarmUp()
    {
        var warmUp = new Thread(WarmUp) { IsBackground = true, Name = "classify warm-up" };
        warmUp.Start();
        return warmUp;
    }

    /// <summary>
    /// Classifies a small built-in delivery report and renders it, discarding the result: the one-time costs of the
    /// first message (loading types, fixing up precompiled code, building the rule tables and MimeKit's) are then paid
    /// on an idle core while the main thread still lists the input folders, instead of by the workers.
    /// </summary>
    private static void WarmUp()
    {
        try
        {
            _ = ToJson(WorkerState.Current, new WorkItem("warm-up", null, 0), BounceClassifier.Classify(WarmUpMessage.ToArray()));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only a head start: the real run reports any real problem.
        }
    }

    private static ReadOnlySpan<byte> WarmUpMessage => """
        From: MAILER-DAEMON@mail.example.org
        To: sender@example.com
        Subject: Undelivered Mail Returned to Sender
        Date: Mon, 2 Mar 2026 10:00:00 +0000
        Message-ID: <warm-up@mail.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain; charset=us-ascii

        <user@example.net>: host mx.example.net said: 550 5.1.1 User unknown (in reply to RCPT TO command)

        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mail.example.org

        Final-Recipient: rfc822; user@example.net
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 User unknown

        --b
        Content-Type: text/rfc822-headers

        From: sender@example.com
        To: user@example.net
        Message-ID: <original@example.com>

        --b--
        """u8;

    /// <summary>
    /// What one worker thread reuses from message to message: the file buffer and the JSON writer (allocating them per
    /// message was a large share of the garbage a run produced).
    /// </summary>
    private sealed class WorkerState
    {
        [ThreadStatic]
        private static WorkerState? current;

        public static WorkerState Current => current ??= new WorkerState();

        private byte[] file = new byte[16 * 1024];

        public JsonBuffer Json { get; } = new();

        public Utf8JsonWriter Writer { get; }

        private WorkerState() => Writer = new Utf8JsonWriter(Json, new JsonWriterOptions { Indented = false, SkipValidation = true });

        /// <summary>Reads the whole file into the worker's buffer (valid until the next call), as File.ReadAllBytes would.</summary>
        public ReadOnlyMemory<byte> Read(string path)
        {
            using var handle = File.OpenHandle(path);
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                throw new IOException($"the file is larger than {Array.MaxLength} bytes");
            }

            if (file.Length < length)
            {
                file = new byte[Math.Min(Array.MaxLength, Math.Max(length, file.Length * 2L))];
            }

            // A regular file is read up to the length it reported; one that reports none (a pipe, /proc) is read to its end.
            var total = 0;
            while (length == 0 || total < length)
            {
                if (total == file.Length)
                {
                    Array.Resize(ref file, (int)Math.Min(Array.MaxLength, file.Length * 2L));
                }

                var read = RandomAccess.Read(handle, file.AsSpan(total), total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return file.AsMemory(0, total);
        }
    }

    /// <summary>
    /// The worker's growable output buffer for one message's JSON. Not <see cref="ArrayBufferWriter{T}"/>: its byte
    /// instantiation is in no precompiled image, so it was JIT-compiled and then ran as tier-0 code for most of a run.
    /// </summary>
    private sealed class JsonBuffer : IBufferWriter<byte>
    {
        private byte[] bytes = new byte[1024];
        private int length;

        public ReadOnlySpan<byte> WrittenSpan => bytes.AsSpan(0, length);

        public void Clear() => length = 0;

        public void Write(ReadOnlySpan<byte> value)
        {
            value.CopyTo(GetSpan(value.Length));
            length += value.Length;
        }

        public void Advance(int count) => length += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return bytes.AsMemory(length);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return bytes.AsSpan(length);
        }

        private void Reserve(int sizeHint)
        {
            var needed = (long)length + Math.Max(sizeHint, 1);
            if (needed > bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Min(Array.MaxLength, Math.Max(needed, bytes.Length * 2L)));
            }
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonBuffer buffer, WorkItem item, ClassificationResult result)
    {
        if (result.Error is not null)
        {
            writer.WriteStartObject();
            WriteFile(writer, item);
            writer.WriteString(Names.Error, result.Error);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            return;
        }

        foreach (var r in result.Recipients)
        {
            writer.WriteStartObject();
            WriteFile(writer, item);
            writer.WriteString(Names.Recipient, r.Recipient);
            writer.WriteString(Names.Reason, r.Reason);
            if (r.Category is { } category)
            {
                writer.WriteNumber(Names.Category, category);
            }
            else
            {
                writer.WriteNull(Names.Category);
            }

            writer.WriteString(Names.Kind, r.Kind switch { BounceKind.Hard => "hard", BounceKind.Soft => "soft", _ => "none" });
            if (r.Permanent is { } permanent)
            {
                // SPEC §3: whether the failure is permanent (true) or temporary (false); null when the message says neither.
                writer.WriteBoolean(Names.Permanent, permanent);
            }
            else
            {
                writer.WriteNull(Names.Permanent);
            }

            writer.WriteString(Names.Status, r.Status);
            if (r.ReplyCode is { } reply)
            {
                writer.WriteNumber(Names.ReplyCode, reply);
            }
            else
            {
                writer.WriteNull(Names.ReplyCode);
            }

            writer.WriteString(Names.Diagnostic, r.Diagnostic);
            writer.WriteString(Names.RemoteMta, r.RemoteMta);
            writer.WriteString(Names.MessageId, r.OriginalMessageId);
            writer.WriteString(Names.Rule, r.Rule);
            writer.WriteString(Names.Explanation, r.RuleExplanation);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset();
        }
    }

    /// <summary>The output's property names, encoded once instead of escaped and transcoded for every line.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText File = JsonEncodedText.Encode("file");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText Recipient = JsonEncodedText.Encode("recipient");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
        public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
        public static readonly JsonEncodedText Permanent = JsonEncodedText.Encode("permanent");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText ReplyCode = JsonEncodedText.Encode("replyCode");
        public static readonly JsonEncodedText Diagnostic = JsonEncodedText.Encode("diagnostic");
        public static readonly JsonEncodedText RemoteMta = JsonEncodedText.Encode("remoteMta");
        public static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("messageId");
        public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
        public static readonly JsonEncodedText Explanation = JsonEncodedText.Encode("explanation");
    }

    private static void WriteFile(Utf8JsonWriter writer, WorkItem item)
    {
        writer.WriteString(Names.File, item.File);
        if (item.MboxIndex > 0)
        {
            writer.WriteNumber(Names.Message, item.MboxIndex);
        }
    }
}
