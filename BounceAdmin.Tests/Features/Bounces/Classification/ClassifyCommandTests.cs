using System.Text.Json;
using BounceAdmin.Cli;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public sealed class ClassifyCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("classify-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string Qmail = "From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: failure notice\n\nHi. This is the qmail-send program.\n\n<a@example.org>:\n550 5.1.1 user unknown (#5.1.1)\n";

    [Fact]
    public async Task Prints_one_json_line_per_recipient_in_input_order()
    {
        File.WriteAllText(Path.Combine(dir, "b.eml"), Qmail.Replace("a@example.org", "b@example.org"));
        File.WriteAllText(Path.Combine(dir, "a.eml"), Qmail);
        File.WriteAllText(Path.Combine(dir, "c.eml"), "");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await ClassifyCommand.RunAsync([dir], output, error);

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var r = first.RootElement;
        Assert.EndsWith("a.eml", r.GetProperty("file").GetString());
        Assert.Equal("a@example.org", r.GetProperty("recipient").GetString());
        Assert.Equal("userunknown", r.GetProperty("reason").GetString());
        Assert.Equal(2, r.GetProperty("category").GetInt32());
        Assert.Equal("hard", r.GetProperty("kind").GetString());
        Assert.True(r.GetProperty("permanent").GetBoolean());
        Assert.Equal("5.1.1", r.GetProperty("status").GetString());
        Assert.Equal(550, r.GetProperty("replyCode").GetInt32());
        foreach (var field in new[] { "diagnostic", "remoteMta", "messageId", "rule" })
        {
            Assert.True(r.TryGetProperty(field, out _), field);
        }

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("b@example.org", second.RootElement.GetProperty("recipient").GetString());
        using var third = JsonDocument.Parse(lines[2]);
        Assert.EndsWith("c.eml", third.RootElement.GetProperty("file").GetString());
        Assert.Contains("empty", third.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Permanent_is_true_false_or_null_in_the_output()
    {
        File.WriteAllText(Path.Combine(dir, "1-final.eml"), Qmail);
        File.WriteAllText(Path.Combine(dir, "2-delayed.eml"),
            "From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: Warning: could not send message for past 4 hours\n\n" +
            "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n" +
            "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\n" +
            "The original message was received at Mon, 1 Jan 2024 10:00:00 GMT\n\n   ----- Transcript of session follows -----\n" +
            "<w@example.org>... Deferred: Connection timed out with mx.example.org.\nWarning: message still undelivered after 4 hours\n");
        File.WriteAllText(Path.Combine(dir, "3-vacation.eml"),
            "From: Person <p@example.org>\nTo: s@example.com\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n");
        var output = new StringWriter();

        Assert.Equal(0, await ClassifyCommand.RunAsync([dir], output, new StringWriter()));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(JsonValueKind.True, lines[0].GetProperty("permanent").ValueKind);
        Assert.Equal(JsonValueKind.False, lines[1].GetProperty("permanent").ValueKind);
        Assert.Equal("w@example.org", lines[1].GetProperty("recipient").GetString());
        Assert.Equal("vacation", lines[2].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("permanent").ValueKind);
    }

    [Fact]
    public async Task Many_files_keep_input_order_and_each_file_its_own_bytes()
    {
        // Workers reuse one read buffer each and finish out of order: every line must still be its own file's, in name
        // order. Every fifth file is padded (before its recipient line, so a truncated read loses the recipient) past the
        // initial buffer, so the buffer grows mid-run and shorter files reuse it after longer ones.
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            var padding = i % 5 == 0 ? string.Concat(Enumerable.Repeat(new string('x', 70) + "\n", 600 + i)) + "\n" : "";
            var text = Qmail.Replace("<a@example.org>", padding + $"<user{i:D3}@example.org>");

            File.WriteAllText(Path.Combine(dir, $"m{i:D3}.eml"), text);
        }

        var output = new StringWriter();

        var code = await ClassifyCommand.RunAsync([dir], output, new StringWriter());

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        for (var i = 0; i < count; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.EndsWith($"m{i:D3}.eml", line.RootElement.GetProperty("file").GetString());
            Assert.Equal($"user{i:D3}@example.org", line.RootElement.GetProperty("recipient").GetString());
            Assert.Equal("userunknown", line.RootElement.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task An_unreadable_file_gets_an_error_line_in_its_place_and_exit_code_1()
    {
        File.WriteAllText(Path.Combine(dir, "a.eml"), Qmail);
        File.CreateSymbolicLink(Path.Combine(dir, "b.eml"), Path.Combine(dir, "missing-target.eml"));
        File.WriteAllText(Path.Combine(dir, "c.eml"), Qmail.Replace("a@example.org", "c@example.org"));
        var output = new StringWriter();

        var code = await ClassifyCommand.RunAsync([dir], output, new StringWriter());

        Assert.Equal(1, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("a@example.org", lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.EndsWith("b.eml", second.RootElement.GetProperty("file").GetString());
        Assert.StartsWith("cannot read file", second.RootElement.GetProperty("error").GetString());
        Assert.Contains("c@example.org", lines[2]);
    }

    [Fact]
    public async Task Reads_mbox_files()
    {
        var mbox = Path.Combine(dir, "bounces.mbox");
        File.WriteAllText(mbox, "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + Qmail + "\nFrom MAILER-DAEMON Thu Jan  1 00:00:01 2026\n" + Qmail.Replace("a@example.org", "z@example.org"));
        var output = new StringWriter();

        var code = await ClassifyCommand.RunAsync([mbox], output, new StringWriter());

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("z@example.org", lines[1]);
    }

    [Fact]
    public async Task Missing_path_exits_with_2()
    {
        var error = new StringWriter();

        var code = await ClassifyCommand.RunAsync([Path.Combine(dir, "nope.eml")], new StringWriter(), error);

        Assert.Equal(2, code);
        Assert.Contains("no such file", error.ToString());
    }

    [Fact]
    public async Task No_arguments_is_a_usage_error()
    {
        var code = await ClassifyCommand.RunAsync([], new StringWriter(), new StringWriter());

        Assert.Equal(2, code);
    }
}
