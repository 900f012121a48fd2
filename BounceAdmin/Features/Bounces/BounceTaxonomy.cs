using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Bounces;

/// <summary>
/// The reason → category table of SPEC §3, the one place in the code that maps a reason to its category and kind.
/// Reasons are named as Sisimai v5 names them, in lower case.
/// </summary>
public static class BounceTaxonomy
{
    public const int Block = 1;
    public const int Invalid = 2;
    public const int Temporary = 3;
    public const int Technical = 4;
    public const int Unknown = 9;

    /// <summary>Reason names that are not bounces at all and never touch a bounce field.</summary>
    public static readonly IReadOnlySet<string> NotBounces = new HashSet<string>(StringComparer.Ordinal) { "delivered", "vacation", "feedback" };

    private static readonly Dictionary<string, int> Table = new(StringComparer.Ordinal)
    {
        // Category 1: hard, the sender or the message was blocked.
        ["blocked"] = Block, ["spamdetected"] = Block, ["policyviolation"] = Block, ["badreputation"] = Block,
        ["requireptr"] = Block, ["authfailure"] = Block, ["notcompliantrfc"] = Block, ["rejected"] = Block,
        ["securityerror"] = Block, ["virusdetected"] = Block, ["contenterror"] = Block, ["filtered"] = Block,
        // Category 2: hard, the address is invalid.
        ["userunknown"] = Invalid, ["hostunknown"] = Invalid, ["hasmoved"] = Invalid, ["suppressed"] = Invalid,
        // Category 3: soft, temporary.
        ["mailboxfull"] = Temporary, ["exceedlimit"] = Temporary, ["mesgtoobig"] = Temporary, ["toomanyconn"] = Temporary,
        ["speeding"] = Temporary, ["systemfull"] = Temporary, ["expired"] = Temporary, ["suspend"] = Temporary,
        // Category 4: soft, technical.
        ["networkerror"] = Technical, ["systemerror"] = Technical, ["mailererror"] = Technical, ["norelaying"] = Technical,
        ["failedstarttls"] = Technical, ["syntaxerror"] = Technical,
        // Category 9: soft, cannot be decided.
        ["undefined"] = Unknown, ["onhold"] = Unknown,
    };

    /// <summary>Every reason the taxonomy knows, bounces and non-bounces (built once: every applied bounce is checked against it).</summary>
    public static IReadOnlySet<string> AllReasons { get; } =
        Table.Keys.Append("notaccept").Concat(NotBounces).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The category of <paramref name="reason"/>; <c>notaccept</c> depends on whether the status is permanent (2) or
    /// temporary (4). Null for non-bounces and for an unknown reason name.
    /// </summary>
    public static int? CategoryOf(string? reason, string? status = null, int? replyCode = null)
    {
        if (string.IsNullOrEmpty(reason) || NotBounces.Contains(reason))
        {
            return null;
        }

        if (reason == "notaccept")
        {
            var temporary = status?.StartsWith('4') == true || (status is null && replyCode is >= 400 and < 500);
            return temporary ? Technical : Invalid;
        }

        return Table.TryGetValue(reason, out var category) ? category : null;
    }

    /// <summary>Hard for categories 1 and 2, soft for the rest, none for non-bounces.</summary>
    public static BounceKind KindOf(int? category, string? reason) => category switch
    {
        Block or Invalid => BounceKind.Hard,
        null when reason is not null && NotBounces.Contains(reason) => BounceKind.None,
        _ => BounceKind.Soft,
    };

    public static bool IsBounce(string? reason) => reason is not null && !NotBounces.Contains(reason);

    /// <summary>A one-line description of a category, for the UI.</summary>
    public static string DescribeCategory(int? category) => category switch
    {
        Block => "1 — hard: blocked / spam / policy",
        Invalid => "2 — hard: address invalid",
        Temporary => "3 — soft: temporary",
        Technical => "4 — soft: technical",
        Unknown => "9 — soft: undetermined",
        _ => "none",
    };
}
