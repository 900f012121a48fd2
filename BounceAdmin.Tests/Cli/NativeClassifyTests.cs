using System.Diagnostics;
using BounceAdmin.Cli;
using BounceAdmin.Tests.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Cli;

/// <summary>
/// The native <c>classify</c> executable (BounceAdmin/Classify, Native AOT) that the build puts next to the app must be
/// the same command as the in-process one: the same bytes on standard output, the same errors, the same exit code.
/// </summary>
public sealed class NativeClassifyTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("native-classify-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The executable the build copied next to the app (and so next to these tests).</summary>
    private static string Executable()
    {
        var path = NativeClassify.Executable(AppContext.BaseDirectory);
        Assert.True(path is not null, $"no {NativeClassify.FileName} next to the app: the build did not produce it (see its warnings), "
            + $"or {NativeClassify.InProcessVariable} is set");
        return path;
    }

    private static (int Code, byte[] Output, string Error) RunNative(params string[] args)
    {
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return (process.ExitCode, output.ToArray(), error.Result);
    }

    /// <summary>The in-process command as the command line runs it (with its usage check), its output as UTF-8 bytes.</summary>
    private static async Task<(int Code, byte[] Output, string Error)> RunInProcess(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ClassifyCommand.RunAsync(args, output, error);
        return (code, System.Text.Encoding.UTF8.GetBytes(output.ToString()), error.ToString());
    }

    [Fact]
    public async Task Prints_the_same_bytes_as_the_in_process_command_over_the_dev_corpus()
    {
        var corpus = CorpusAccuracyTests.CorpusDirectory();

        var native = RunNative(corpus);
        var inProcess = await RunInProcess(corpus);

        Assert.Equal(0, native.Code);
        Assert.Equal(inProcess.Code, native.Code);
        Assert.True(native.Output.Length > 100_000, $"only {native.Output.Length} bytes of output");
        Assert.True(inProcess.Output.AsSpan().SequenceEqual(native.Output), "the native output differs from the in-process output");
        Assert.Equal(inProcess.Error, native.Error);
    }

    [Fact]
    public async Task Reports_bad_input_and_missing_paths_as_the_in_process_command_does()
    {
        File.WriteAllText(Path.Combine(dir, "empty.eml"), "");
        File.WriteAllBytes(Path.Combine(dir, "junk.eml"), [0xff, 0xfe, 0x00, 0x41, 0x0a, 0x80]);
        File.WriteAllText(Path.Combine(dir, "two.mbox"),
            "From a@b Mon Mar  2 10:00:00 2026\nFrom: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n<x@example.org>:\n550 5.1.1 user unknown\n\n"
            + "From a@b Mon Mar  2 10:00:01 2026\nFrom: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n<y@example.org>:\n452 4.2.2 mailbox full\n");
        // 500 nested multiparts (the classifier's depth limit, and MimeKit's recursion on the executable's own stacks) and a
        // bounce with an 8 MB attachment.
        var deep = new System.Text.StringBuilder("From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\nMIME-Version: 1.0\n");
        for (var i = 0; i < 500; i++)
        {
            deep.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n");
        }

        deep.Append("Content-Type: text/plain\n\n<x@example.org>: 550 5.1.1 user unknown\n");
        File.WriteAllText(Path.Combine(dir, "deep.eml"), deep.ToString());
        var line = new string('A', 76) + "\n";
        File.WriteAllText(Path.Combine(dir, "large.eml"),
            "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n<x@example.org>: 550 5.1.1 user unknown\n\n"
            + "--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
            + string.Concat(Enumerable.Repeat(line, 8 * 1024 * 1024 / 77)) + "--B--\n");
        var missing = Path.Combine(dir, "no such folder");

        foreach (var args in new[] { new[] { dir, missing }, [Path.Combine(dir, "two.mbox")], [] })
        {
            var native = RunNative(args);
            var inProcess = await RunInProcess(args);

            Assert.Equal(inProcess.Code, native.Code);
            Assert.True(inProcess.Output.AsSpan().SequenceEqual(native.Output), $"stdout differs for [{string.Join(", ", args)}]");
            Assert.Equal(inProcess.Error, native.Error);
        }

        Assert.Equal(2, RunNative(dir, missing).Code);
        Assert.Equal(2, RunNative().Code);
    }

    [Fact]
    public void The_command_line_runs_the_executable_when_it_is_there_and_returns_its_exit_code()
    {
        Assert.Null(NativeClassify.Executable(dir));
        Assert.Null(NativeClassify.TryRun([CorpusAccuracyTests.CorpusDirectory()], dir));

        // A missing path: the executable's exit code 2 comes back (its one line of error goes to this process's stderr).
        Assert.Equal(2, NativeClassify.TryRun([Path.Combine(dir, "no such folder")]));
    }
}
