using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Explain;

namespace BounceAdmin.Tests.Features.Bounces.BounceQuery;

public sealed class EnhancedStatusCodesTests
{
    [Theory]
    [InlineData("5.1.1", "Permanent failure", "addressing", "bad destination mailbox address")]
    [InlineData("5.1.2", "Permanent failure", "addressing", "bad destination system address")]
    [InlineData("5.1.10", "Permanent failure", "addressing", "null MX")]
    [InlineData("5.2.2", "Permanent failure", "mailbox", "mailbox full")]
    [InlineData("4.2.2", "Persistent transient failure", "mailbox", "mailbox full")]
    [InlineData("5.3.4", "Permanent failure", "mail system", "message too big for system")]
    [InlineData("4.4.1", "Persistent transient failure", "network and routing", "no answer from host")]
    [InlineData("4.4.7", "Persistent transient failure", "network and routing", "delivery time expired")]
    [InlineData("5.5.2", "Permanent failure", "mail delivery protocol", "syntax error")]
    [InlineData("5.6.0", "Permanent failure", "message content or media", "other or undefined media error")]
    [InlineData("4.7.0", "Persistent transient failure", "security or policy", "other or undefined security status")]
    [InlineData("5.7.1", "Permanent failure", "security or policy", "delivery not authorized, message refused")]
    [InlineData("5.7.26", "Permanent failure", "security or policy", "multiple authentication checks failed")]
    [InlineData("2.0.0", "Success", "other or undefined status", "other undefined status")]
    [InlineData(" 5.1.1 ", "Permanent failure", "addressing", "bad destination mailbox address")]
    public void DecodesWellKnownCodes(string code, string classStarts, string subject, string detailContains)
    {
        var status = EnhancedStatusCodes.Decode(code)!;

        Assert.Equal(code.Trim(), status.Code);
        Assert.StartsWith(classStarts, status.ClassText);
        Assert.Equal(subject, status.SubjectText);
        Assert.Contains(detailContains, status.DetailText);
        Assert.Contains(status.Code, status.Summary);
    }

    [Theory]
    [InlineData("5.9.99", "unknown subject")]
    [InlineData("4.1.99", "addressing")]
    public void UnknownDetailKeepsClassAndSubject(string code, string subject)
    {
        var status = EnhancedStatusCodes.Decode(code)!;

        Assert.Equal(subject, status.SubjectText);
        Assert.Null(status.DetailText);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3.1.1")]
    [InlineData("5.1")]
    [InlineData("550")]
    [InlineData("5.1.1.1")]
    [InlineData("five.one.one")]
    public void RejectsWhatIsNotACode(string? code) => Assert.Null(EnhancedStatusCodes.Decode(code));

    [Theory]
    [InlineData("550 5.1.1 <x@y.example>: Recipient address rejected: User unknown", "5.1.1")]
    [InlineData("550-5.7.26 Unauthenticated email is not accepted", "5.7.26")]
    [InlineData("421 4.7.0 Try again later, closing connection", "4.7.0")]
    [InlineData("554 5.7.1 client host [192.0.2.25] blocked using zen.spamhaus.org", "5.7.1")]
    [InlineData("client host [192.0.2.25] blocked", null)]
    [InlineData("version 1.2.3 of the filter", null)]
    [InlineData(null, null)]
    public void FindsTheCodeInADiagnostic(string? text, string? expected) => Assert.Equal(expected, EnhancedStatusCodes.FindIn(text));

    [Theory]
    [InlineData(550, "permanent")]
    [InlineData(421, "temporary")]
    [InlineData(552, "storage")]
    [InlineData(599, "permanent failure")]
    [InlineData(499, "temporary failure")]
    public void DescribesReplyCodes(int code, string contains) => Assert.Contains(contains, EnhancedStatusCodes.DescribeReplyCode(code));

    [Fact]
    public void EveryTaxonomyReasonHasItsOwnSentence()
    {
        foreach (var reason in BounceTaxonomy.AllReasons)
        {
            var text = BounceReasonTexts.Describe(reason);
            Assert.DoesNotContain("has no description", text);
            Assert.EndsWith(".", text);
        }

        Assert.Contains("has no description", BounceReasonTexts.Describe("madeup"));
    }
}
