namespace BounceAdmin.Features.Bounces.Classification;

/// <summary>
/// Case-insensitive search for ASCII needles (field names, markers, addresses). The same answers as
/// <c>IndexOf(value, StringComparison.OrdinalIgnoreCase)</c>, which with invariant globalization compares every character
/// through the scalar Unicode case table: here a vectorised search for one character of the needle (in both cases)
/// finds the candidates and only those are compared. No character outside ASCII is equal to an ASCII letter under
/// ordinal case-insensitive comparison, so the two agree.
/// </summary>
internal static class AsciiIgnoreCase
{
    /// <summary>The index of the first occurrence of <paramref name="value"/> in <paramref name="text"/> ignoring case, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || !System.Text.Ascii.IsValid(value))
        {
            return text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
        }

        // The anchor: '@' when the needle has one (rare in text around an address), else its first character.
        var anchor = Math.Max(0, value.IndexOf('@'));
        var c = value[anchor];
        var lower = char.ToLowerInvariant(c);
        var upper = char.ToUpperInvariant(c);
        var from = anchor;
        var end = text.Length - value.Length + anchor;
        while (from <= end)
        {
            var window = text[from..(end + 1)];
            var hit = lower == upper ? window.IndexOf(c) : window.IndexOfAny(lower, upper);
            if (hit < 0)
            {
                return -1;
            }

            var start = from + hit - anchor;
            if (text.Slice(start, value.Length).Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return start;
            }

            from += hit + 1;
        }

        return -1;
    }

    /// <summary>Whether <paramref name="text"/> contains <paramref name="value"/>, ignoring case.</summary>
    public static bool Contains(ReadOnlySpan<char> text, ReadOnlySpan<char> value) => IndexOf(text, value) >= 0;
}
