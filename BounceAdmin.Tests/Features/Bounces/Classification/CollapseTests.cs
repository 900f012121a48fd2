using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public class CollapseTests
{
    /// <summary>The rule in its plainest form: each run of white space one space, none at the ends, lower case when asked, then cut.</summary>
    private static string Reference(string text, bool lowerCase, int maxLength)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var joined = string.Join(' ', words);
        if (lowerCase)
        {
            joined = string.Concat(joined.Select(char.ToLowerInvariant));
        }

        return joined.Length > maxLength ? joined[..maxLength] : joined;
    }

    [Fact]
    public void Agrees_with_splitting_on_white_space_on_random_text()
    {
        var random = new Random(5321);
        const string alphabet = "aZ \t\r\n\v\f\u00a0\u2028\u3000É\u0001\u007fß-:<>İ";
        for (var round = 0; round < 5000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 3000)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            foreach (var lower in new[] { true, false })
            {
                var max = random.Next(2) == 0 ? int.MaxValue : random.Next(0, 50);
                Assert.Equal(Reference(text, lower, max), ReasonRules.Collapse(text, lower, max));
            }
        }
    }

    [Fact]
    public void Agrees_with_splitting_on_white_space_on_text_of_words()
    {
        // Runs of printable ASCII (what the sixteen-character steps copy) between every kind of separator, so runs of white
        // space start and end at every position of a step, including the character just after one.
        var random = new Random(3463);
        string[] separators = [" ", "  ", "\t", "\r\n", " \n ", "\u00a0", " \u00a0", "\u2028", "\u0085", "\u0001", "É", "", " \u3000"];
        for (var round = 0; round < 5000; round++)
        {
            var text = new System.Text.StringBuilder();
            if (random.Next(3) == 0)
            {
                text.Append(separators[random.Next(separators.Length)]);
            }

            while (text.Length < random.Next(0, 400))
            {
                for (var n = random.Next(0, 40); n > 0; n--)
                {
                    text.Append((char)random.Next('!', '~' + 1));
                }

                text.Append(random.Next(4) == 0 ? separators[random.Next(separators.Length)] : " ");
            }

            foreach (var lower in new[] { true, false })
            {
                var max = random.Next(2) == 0 ? int.MaxValue : random.Next(0, 300);
                Assert.Equal(Reference(text.ToString(), lower, max), ReasonRules.Collapse(text.ToString(), lower, max));
            }
        }
    }
}
