namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>
/// Groups of ASCII phrases found in one pass over a text: an Aho–Corasick automaton (a trie of all phrases whose missing
/// edges are filled in from the failure links, so every character costs one table step). All wording rules are searched
/// together instead of one search per rule, and the code is plain loops over arrays, so the precompiled image holds all
/// of it: the framework's multi-string <c>SearchValues</c> were generic instantiations no image contains, JIT-compiled
/// on every run's first message (about 20 ms of a 0.3 s run).
/// </summary>
/// <remarks>
/// Matching is ordinal, or ignores the case of ASCII letters when built so. Characters outside ASCII occur in no phrase.
/// </remarks>
internal sealed class PhraseIndex
{
    private readonly byte[] classOf = new byte[128];
    private readonly int classes;

    /// <summary>
    /// next[state * classes + class]: the state after reading a character of that class, with <see cref="Ends"/> added when
    /// a phrase ends there (one table read per character tells both).
    /// </summary>
    private readonly ushort[] next;

    /// <summary>The flag in <see cref="next"/>'s entries for a state where phrases end.</summary>
    private const int Ends = 0x8000;

    /// <summary>The phrases that end at a state (its own and those of its failure chain): outputs[outputStart[s]..outputStart[s + 1]].</summary>
    private readonly int[] outputStart;

    private readonly int[] outputs;
    private readonly string[] phrases;
    private readonly int[] phraseGroup;
    private readonly int[] phraseRank;

    /// <summary>Builds the index of <paramref name="groups"/>: one array of phrases per group, in order of preference.</summary>
    /// <param name="groups">The phrases, one array per group.</param>
    /// <param name="ignoreAsciiCase">Whether "A" and "a" (and every other ASCII letter pair) count as the same character.</param>
    /// <exception cref="ArgumentException">A phrase is empty or not ASCII, or the phrases are too many for the table.</exception>
    public PhraseIndex(IReadOnlyList<string[]> groups, bool ignoreAsciiCase = false)
    {
        GroupCount = groups.Count;
        var all = new List<string>();
        var group = new List<int>();
        var rank = new List<int>();
        for (var g = 0; g < groups.Count; g++)
        {
            for (var r = 0; r < groups[g].Length; r++)
            {
                var phrase = groups[g][r];
                if (phrase.Length == 0 || !System.Text.Ascii.IsValid(phrase))
                {
                    throw new ArgumentException($"phrase \"{phrase}\" is empty or not ASCII", nameof(groups));
                }

                all.Add(phrase);
                group.Add(g);
                rank.Add(r);
            }
        }

        phrases = [.. all];
        phraseGroup = [.. group];
        phraseRank = [.. rank];

        // Character classes: 0 for every character no phrase contains (it sends the automaton back to its root).
        foreach (var phrase in phrases)
        {
            foreach (var c in phrase)
            {
                if (classOf[c] == 0)
                {
                    classOf[c] = (byte)++classes;
                    if (ignoreAsciiCase && char.IsAsciiLetter(c))
                    {
                        classOf[c ^ 0x20] = (byte)classes;
                    }
                }
            }
        }

        classes++;

        // The trie, built in the table itself: next[state * classes + class] is the child state, 0 for none (the root is
        // never a child). One allocation sized for the most states the phrases can need (one per character, plus the
        // root): a growing list of rows allocated 2.4 MB of large-object garbage at start-up, enough to make the
        // process's first garbage collection a full one (4 ms with the workers stopped). The rows past the last state
        // stay unused.
        var capacity = 1;
        foreach (var phrase in phrases)
        {
            capacity += phrase.Length;
        }

        next = new ushort[Math.Min(capacity, Ends) * classes];
        var ends = new List<List<int>?> { null };
        for (var p = 0; p < phrases.Length; p++)
        {
            var state = 0;
            foreach (var c in phrases[p])
            {
                var slot = (state * classes) + classOf[c];
                if (next[slot] == 0)
                {
                    if (ends.Count == Ends)
                    {
                        throw new ArgumentException($"the phrases need more than {Ends} automaton states", nameof(groups));
                    }

                    next[slot] = (ushort)ends.Count;
                    ends.Add(null);
                }

                state = next[slot];
            }

            (ends[state] ??= []).Add(p);
        }

        // Breadth first: a state's failure link is shallower than the state, so its row is complete when the state's is
        // filled in. The root's row is complete as built (a missing child leads back to the root).
        var states = ends.Count;
        var fail = new int[states];
        var order = new int[states];
        var queued = 0;
        var taken = 0;
        for (var cls = 1; cls < classes; cls++)
        {
            if (next[cls] is var child and > 0)
            {
                order[queued++] = child;
            }
        }

        var merged = new List<int>?[states];
        while (taken < queued)
        {
            var state = order[taken++];
            merged[state] = Merge(ends[state], merged[fail[state]]);
            for (var cls = 1; cls < classes; cls++)
            {
                var slot = (state * classes) + cls;
                var viaFailure = next[(fail[state] * classes) + cls];
                if (next[slot] is var child and > 0)
                {
                    fail[child] = viaFailure;
                    order[queued++] = child;
                }
                else
                {
                    next[slot] = viaFailure;
                }
            }
        }

        outputStart = new int[states + 1];
        var flat = new List<int>();
        for (var s = 0; s < states; s++)
        {
            outputStart[s] = flat.Count;
            if (merged[s] is { } list)
            {
                flat.AddRange(list);
            }
        }

        outputStart[states] = flat.Count;
        outputs = [.. flat];
        for (var i = 0; i < states * classes; i++)
        {
            if (merged[next[i]] is not null)
            {
                next[i] |= Ends;
            }
        }
    }

    /// <summary>How many groups the index was built from.</summary>
    public int GroupCount { get; }

    /// <summary>
    /// For every group, the phrase of it that occurs first in <paramref name="text"/> (the earliest start; at the same
    /// start, the one listed first), or null: what searching each group on its own for its first occurrence would give.
    /// </summary>
    /// <param name="text">The text (ordinal comparison).</param>
    /// <param name="found">Receives one entry per group; at least <see cref="GroupCount"/> long.</param>
    public void FindFirst(ReadOnlySpan<char> text, Span<string?> found)
    {
        found[..GroupCount].Clear();
        Span<int> bestStart = GroupCount <= 64 ? stackalloc int[GroupCount] : new int[GroupCount];
        Span<int> bestRank = GroupCount <= 64 ? stackalloc int[GroupCount] : new int[GroupCount];
        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            state = next[(state * classes) + (c < 128 ? classOf[c] : 0)];
            if (state < Ends)
            {
                continue;
            }

            state -= Ends;
            for (int o = outputStart[state], end = outputStart[state + 1]; o < end; o++)
            {
                var p = outputs[o];
                var g = phraseGroup[p];
                var start = i + 1 - phrases[p].Length;
                if (found[g] is null || start < bestStart[g] || (start == bestStart[g] && phraseRank[p] < bestRank[g]))
                {
                    found[g] = phrases[p];
                    bestStart[g] = start;
                    bestRank[g] = phraseRank[p];
                }
            }
        }
    }

    /// <summary>Whether any phrase of any group occurs in <paramref name="text"/>.</summary>
    public bool ContainsAny(ReadOnlySpan<char> text)
    {
        var state = 0;
        foreach (var c in text)
        {
            state = next[(state * classes) + (c < 128 ? classOf[c] : 0)];
            if (state >= Ends)
            {
                return true;
            }
        }

        return false;
    }

    private static List<int>? Merge(List<int>? own, List<int>? inherited)
    {
        if (own is null)
        {
            return inherited;
        }

        if (inherited is null)
        {
            return own;
        }

        var both = new List<int>(own.Count + inherited.Count);
        both.AddRange(own);
        both.AddRange(inherited);
        return both;
    }
}
