using System.Text.RegularExpressions;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

/// <summary>The hand-written tag strip must equal the regex it replaced, <c>&lt;[^&gt;]{0,2000}&gt;</c> → " ".</summary>
public sealed class TagsToSpacesTests
{
    public static TheoryData<string> Cases => new()
    {
        "",
        "no tags at all",
        "<p>Delivery <b>failed</b></p> to <user@example.org>",
        "a < b and c > d",
        "open < never closed",
        "> stray close <",
        "<<nested>> <a <b> c>",
        "line\n<br\n/>break",
        "<" + new string('x', 2000) + ">kept? no: exactly 2,000 inside",
        "<" + new string('x', 2001) + ">too long to be a tag",
        "<" + new string('x', 2001) + "<short>tail",
        "x<" + new string('y', 1500) + "<" + new string('z', 800) + ">end",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_the_regex(string text) =>
        Assert.Equal(Regex.Replace(text, "<[^>]{0,2000}>", " "), MessageParts.TagsToSpaces(text));
}
