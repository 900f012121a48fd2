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
    /// <summary>Messages classified per batch: bounds memory while every core works and output stays in input order.</summary>
    private const int BatchSize = 2048;

    /// <summary>The first batch is small so the first lines appear right after start-up, not after 2,048 messages.</summary>
    private const int FirstBatchSize = 64;

    /// <summary>Runs the command, writing JSON Lines to <paramref name="output"/> (standard output when null).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        // classify only reads. .NET emulates Windows share modes on Unix with an advisory flock (lock + unlock: two system
        // calls per file, ~15 % of the kernel time of a large run); this process takes no part in that convention.
        AppContext.SetSwitch("System.IO.DisableFileLocking", true);
        error ??= Console.Error;
        if (args.Length == 0 || args.Any(a => a is "-h" or "--help"))
        {
            await error.WriteLineAsync("Usage: classify PATH...   (PATH: an .eml file, a folder of .eml files, or an mbox file)");
            return 2;
        }

        if (output is null)
        {
            // Standard output is unbuffered: one write call per message would be one system call per message.
            await using var stdout = Console.OpenStandardOutput();
            await using var buffered = new BufferedStream(stdout, 1 << 16);
            return await RunAsync(args, buffered, error);
        }

        using var buffer = new MemoryStream();
        var code = await RunAsync(args, buffer, error);
        await output.WriteAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        await output.FlushAsync();
        return code;
    }

    /// <summary>Runs the command, writing UTF-8 JSON Lines to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(string[] args, Stream output, TextWriter error)
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
                    exit = Math.Max(exit, await AddMboxAsync(path, items, error));
                }
                else
                {
                    items.Add(new WorkItem(path, null, 0));
                }
            }
            else
            {
                await error.WriteLineAsync($"classify: no such file or folder: {path}");
                exit = 2;
            }
        }

        var results = new byte[Math.Min(BatchSize, Math.Max(items.Count, 1))][];
        var failed = 0;
        for (int start = 0, size = FirstBatchSize; start < items.Count; start += size, size = BatchSize)
        {
            var count = Math.Min(size, items.Count - start);
            var offset = start;
            Parallel.For(0, count, Cores, i =>
            {
                var (bytes, readFailed) = Render(items[offset + i]);
                results[i] = bytes;
                if (readFailed)
                {
                    Interlocked.Increment(ref failed);
                }
            });

            for (var i = 0; i < count; i++)
            {
                await output.WriteAsync(results[i]);
                results[i] = [];
            }
        }

        await output.FlushAsync();
        return exit != 0 ? exit : failed > 0 ? 1 : 0;
    }

    /// <summary>One worker per core: more threads than cores only adds context switches to CPU-bound work.</summary>
    private static readonly ParallelOptions Cores = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

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

        var buffer = state.Json;
        buffer.ResetWrittenCount();
        var writer = state.Writer;
        writer.Reset(buffer);
        Write(writer, buffer, item, result);
        return (buffer.WrittenSpan.ToArray(), readFailed);
    }

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

        public ArrayBufferWriter<byte> Json { get; } = new(1024);

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

    private static void Write(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, WorkItem item, ClassificationResult result)
    {
        if (result.Error is not null)
        {
            writer.WriteStartObject();
            WriteFile(writer, item);
            writer.WriteString("error", result.Error);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            return;
        }

        foreach (var r in result.Recipients)
        {
            writer.WriteStartObject();
            WriteFile(writer, item);
            writer.WriteString("recipient", r.Recipient);
            writer.WriteString("reason", r.Reason);
            if (r.Category is { } category)
            {
                writer.WriteNumber("category", category);
            }
            else
            {
                writer.WriteNull("category");
            }

            writer.WriteString("kind", r.Kind switch { BounceKind.Hard => "hard", BounceKind.Soft => "soft", _ => "none" });
            writer.WriteString("status", r.Status);
            if (r.ReplyCode is { } reply)
            {
                writer.WriteNumber("replyCode", reply);
            }
            else
            {
                writer.WriteNull("replyCode");
            }

            writer.WriteString("diagnostic", r.Diagnostic);
            writer.WriteString("remoteMta", r.RemoteMta);
            writer.WriteString("messageId", r.OriginalMessageId);
            writer.WriteString("rule", r.Rule);
            writer.WriteString("explanation", r.RuleExplanation);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset();
        }
    }

    private static void WriteFile(Utf8JsonWriter writer, WorkItem item)
    {
        writer.WriteString("file", item.File);
        if (item.MboxIndex > 0)
        {
            writer.WriteNumber("message", item.MboxIndex);
        }
    }
}
