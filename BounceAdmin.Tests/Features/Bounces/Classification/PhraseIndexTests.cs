using System.Buffers;
using BounceAdmin.Features.Bounces.Classification;

namespace BounceAdmin.Tests.Features.Bounces.Classification;

public class PhraseIndexTests
{
    /// <summary>What the index must give: per group, the earliest occurrence of any of its phrases, ties to the one listed first.</summary>
    private static string?[] Naive(string text, string[][] groups, StringComparison comparison = StringComparison.Ordinal)
    {
        var found = new string?[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            var best = int.MaxValue;
            foreach (var phrase in groups[g])
            {
                var at = text.IndexOf(phrase, comparison);
                if (at >= 0 && at < best)
                {
                    best = at;
                    found[g] = phrase;
                }
            }
        }

        return found;
    }

    private static string?[] Indexed(PhraseIndex index, string text)
    {
        var found = new string?[index.GroupCount];
        index.FindFirst(text, found);
        return found;
    }

    [Fact]
    public void Finds_overlapping_phrases_and_phrases_inside_others_per_group()
    {
        // The classic Aho–Corasick case: "he", "she", "his", "hers" overlap and end inside each other.
        string[][] groups = [["hers", "his"], ["she"], ["he"], ["zz"]];
        var index = new PhraseIndex(groups);

        Assert.Equal(new string?[] { "hers", "she", "he", null }, Indexed(index, "ushers"));
        Assert.Equal(new string?[4], Indexed(index, "nothing to see"));
        Assert.True(index.ContainsAny("a his b"));
        Assert.False(index.ContainsAny("HIS, in capitals"));
    }

    [Fact]
    public void A_longer_phrase_that_starts_earlier_wins_over_a_shorter_one_that_ends_first()
    {
        // "mailbox is full" starts before "is full" but ends after it: the earliest start decides, not the earliest end.
        var index = new PhraseIndex([["is full", "mailbox is full"]]);

        Assert.Equal(new string?[] { "mailbox is full" }, Indexed(index, "the mailbox is full today"));
    }

    [Fact]
    public void At_the_same_start_the_phrase_listed_first_wins()
    {
        var index = new PhraseIndex([["user unknown here", "user unknown"], ["user unknown", "user unknown here"]]);

        Assert.Equal(new string?[] { "user unknown here", "user unknown" }, Indexed(index, "550 user unknown here"));
    }

    [Fact]
    public void Agrees_with_a_search_per_group_on_random_text()
    {
        var random = new Random(20261128);
        const string alphabet = "abcde -:é";
        var groups = new string[12][];
        for (var g = 0; g < groups.Length; g++)
        {
            groups[g] = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => alphabet[random.Next(7)]).ToArray()))
                .ToArray();
        }

        var index = new PhraseIndex(groups);
        for (var round = 0; round < 2000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.Equal(Naive(text, groups), Indexed(index, text));
            Assert.Equal(Naive(text, groups).Any(f => f is not null), index.ContainsAny(text));
        }
    }

    [Fact]
    public void Ignoring_case_matches_ascii_letters_of_either_case_and_nothing_else()
    {
        var index = new PhraseIndex([["undeliver", "mail delivery"]], ignoreAsciiCase: true);

        Assert.True(index.ContainsAny("Undeliverable: your message"));
        Assert.True(index.ContainsAny("MAIL DELIVERY FAILED"));
        // Dotless i (U+0131) is not an ASCII letter: ordinal case-insensitive comparison does not equate it with "i".
        Assert.False(index.ContainsAny("UNDELıVERABLE"));
        Assert.False(new PhraseIndex([["undeliver"]]).ContainsAny("UNDELIVERABLE"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("réponse automatique")]
    public void Rejects_empty_and_non_ascii_phrases(string phrase)
    {
        Assert.Throws<ArgumentException>(() => new PhraseIndex([["fine", phrase]]));
    }

    [Fact]
    public void Rejects_phrases_that_need_more_states_than_the_table_can_number()
    {
        // 700 phrases of 50 distinct characters share no prefix beyond the first letter: about 34,000 states, over 32,768.
        var random = new Random(7);
        var phrases = Enumerable.Range(0, 700)
            .Select(_ => new string(Enumerable.Range(0, 50).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray()))
            .ToArray();
        Assert.Throws<ArgumentException>(() => new PhraseIndex([phrases]));

        // Just under the limit still builds and finds its phrases.
        var fewer = phrases[..600];
        var index = new PhraseIndex([fewer]);
        Assert.True(index.ContainsAny("xx" + fewer[599] + "xx"));
    }

    [Fact]
    public void The_wording_rules_agree_with_a_search_per_rule_over_the_dev_corpus()
    {
        // The reference is the framework's multi-string search, one per rule, as the rules were searched before the index.
        var rules = ReasonRules.WordingRules().ToArray();
        var searchers = rules.Select(r => SearchValues.Create(r.Phrases.ToArray(), StringComparison.Ordinal)).ToArray();
        var texts = Directory.GetFiles(CorpusAccuracyTests.CorpusDirectory(), "*.eml")
            .Select(f => ReasonRules.Lower(File.ReadAllText(f))!)
            .ToList();
        Assert.True(texts.Count > 300);

        var matched = 0;
        foreach (var text in texts)
        {
            (string, string)? expected = null;
            for (var r = 0; r < rules.Length && expected is null; r++)
            {
                var at = text.AsSpan().IndexOfAny(searchers[r]);
                if (at >= 0)
                {
                    expected = (rules[r].Reason, rules[r].Phrases.First(p => text.AsSpan(at).StartsWith(p, StringComparison.Ordinal)));
                }
            }

            Assert.Equal(expected, ReasonRules.MatchText(text));
            matched += expected is null ? 0 : 1;
        }

        Assert.True(matched > texts.Count / 2, $"only {matched} of {texts.Count} texts matched a rule");
    }
}
