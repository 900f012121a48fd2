using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public class AsciiIgnoreCaseTests
{
    [Theory]
    [InlineData("Final-Recipient: rfc822; a@b.example", "final-recipient:", 0)]
    [InlineData("x\nFINAL-RECIPIENT: rfc822; a@b.example", "Final-Recipient:", 2)]
    [InlineData("<John.Doe@Example.COM>: 550 unknown", "john.doe@example.com", 1)]
    [InlineData("john.doe@example.net and john.doe@example.com", "john.doe@example.com", 25)]
    [InlineData("@example.com", "a@example.com", -1)]
    [InlineData("short", "much longer needle", -1)]
    [InlineData("", "x", -1)]
    [InlineData("abc", "", 0)]
    public void Finds_ascii_needles_in_any_case(string text, string value, int expected)
    {
        Assert.Equal(expected, AsciiIgnoreCase.IndexOf(text, value));
    }

    [Fact]
    public void Agrees_with_ordinal_ignore_case_on_random_text()
    {
        var random = new Random(1128);
        const string alphabet = "aAbB@.-:ıİſKé ";
        string[] needles = ["a", "ab", "Ab@b", "@", "b.a", "-:", "ab@ba", "é", "ıa", "B@", "k"];
        for (var round = 0; round < 5000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            foreach (var needle in needles)
            {
                Assert.Equal(text.IndexOf(needle, StringComparison.OrdinalIgnoreCase), AsciiIgnoreCase.IndexOf(text, needle));
            }
        }
    }
}
