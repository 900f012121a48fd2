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
    /// Whether a failure is permanent (true), temporary (false) or not said (null), from its structure alone: the class
    /// of the enhanced status code (RFC 3463: 5.x.x permanent, 4.x.x persistent transient), else the SMTP reply code
    /// (RFC 5321: 5yz permanent negative, 4yz transient negative), else the RFC 3464 Action (failed / delayed).
    /// </summary>
    public static bool? PermanenceOf(string? status, int? replyCode = null, string? action = null)
    {
        if (status is { Length: > 0 } && (status[0] == '5' || status[0] == '4'))
        {
            return status[0] == '5';
        }

        if (replyCode is >= 400 and < 600)
        {
            return replyCode >= 500;
        }

        if (action is not null)
        {
            if (action.Equals("failed", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (action.Equals("delayed", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return null;
    }

    /// <summary>
    /// The category of <paramref name="reason"/> under SPEC §3: categories 1 and 2 need a permanent failure. A
    /// temporary one (<paramref name="permanent"/> false) keeps its reason but is category 3 when the reason is a
    /// category 3 one and category 4 otherwise, so it never changes the five fields. Unknown permanence (null: the
    /// message says neither) leaves the reason's own category. <c>notaccept</c> is 2 when permanent, 4 when temporary.
    /// Null for non-bounces and for an unknown reason name.
    /// </summary>
    public static int? CategoryOf(string? reason, bool? permanent)
    {
        if (string.IsNullOrEmpty(reason) || NotBounces.Contains(reason))
        {
            return null;
        }

        int? category = reason == "notaccept" ? Invalid : Table.TryGetValue(reason, out var c) ? c : null;
        if (permanent == false && category is not null && category != Temporary)
        {
            return Technical;
        }

        return category;
    }

    /// <summary>The category of <paramref name="reason"/>, its permanence read from the status and reply code (<see cref="PermanenceOf"/>).</summary>
    public static int? CategoryOf(string? reason, string? status = null, int? replyCode = null)
        => CategoryOf(reason, PermanenceOf(status, replyCode));

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
