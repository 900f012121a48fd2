using System.Text.RegularExpressions;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public partial class SmtpCommandTests
{
    [Theory]
    [InlineData("host mx.example.net said: 550 5.1.1 user unknown (in reply to rcpt to command)", "RCPT")]
    [InlineData("550 rejected after end of data", "DATA")]
    [InlineData("mx.example.net does not like recipient. remote host said: 550 no such user", "RCPT")]
    [InlineData(">>> mail from:<bounce@example.com> <<< 553 sender rejected", "MAIL")]
    [InlineData("smtp error from remote mail server after rcpt to:<a@b>:", "RCPT")]
    [InlineData("in reply to the data command", "DATA")]
    [InlineData("in reply to message body", null)]
    [InlineData("rcpt to:<a@b.example> 550 unknown", "RCPT")]
    [InlineData("the mailbox is full after data", "DATA")]
    [InlineData("no command is named here", null)]
    public void Names_the_command_the_server_answered(string lowerText, string? command)
    {
        Assert.Equal(command, ReasonRules.SmtpCommand(lowerText));
    }

    /// <summary>The rule as it was first written, a regex: the command word right after a lead-in and an optional "the".</summary>
    [GeneratedRegex(@"(?<=(in reply to|after|did not like our|does not like|smtp:|while sending|response to|>>>|smtp command:?|most progress was|error after)\s*(the\s+)?)(?<cmd>rcpt|recipient|mail from|mail|end of data|data|message body)", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    private static string? Reference(string text) => ReferencePattern().Match(text) is { Success: true } m ? m.Value : null;

    [Fact]
    public void Agrees_with_the_regex_on_random_and_real_text()
    {
        var texts = Directory.GetFiles(CorpusAccuracyTests.CorpusDirectory(), "*.eml").Select(f => ReasonRules.Lower(File.ReadAllText(f))!).ToList();
        string[] pieces =
        [
            "in reply to", "after", "did not like our", "does not like", "smtp:", "while sending", "response to", ">>>", "smtp command",
            "smtp command:", "most progress was", "error after", "the", "rcpt", "recipient", "mail from", "mail", "end of data", "data",
            "message body", " ", "  ", "\t", "x", "the ", "thereafter", "mailbox", "database", ":",
        ];
        var random = new Random(3464);
        for (var i = 0; i < 20000; i++)
        {
            texts.Add(string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)])));
        }

        var found = 0;
        foreach (var text in texts)
        {
            var expected = Reference(text);
            Assert.Equal(expected, ReasonRules.CommandWordAfterLeadIn(text));
            found += expected is null ? 0 : 1;
        }

        Assert.True(found > 1000, $"only {found} texts named a command");
    }
}
