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
