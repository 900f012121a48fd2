using BounceAdmin.Data.Entities;

namespace BounceAdmin.Features.Bounces.Explain;

/// <summary>What a user can do about a bounce, and why a bounce changed nothing: plain text, per category and reason.</summary>
public static class BounceAdvice
{
    /// <summary>Review advice for a Category 2 bounce flagged as a suspected false positive.</summary>
    public const string FalsePositiveReview =
        "Review: this looks like a spam-filter rejection worded as user unknown. If you know the address is good, an Admin can uncheck Email Invalid with a reason.";

    /// <summary>Suggested next steps, most important first; never empty.</summary>
    public static IReadOnlyList<string> NextSteps(int? category, string reason, BounceOutcome outcome, bool suspectedFalsePositive, string? diagnostic)
    {
        var steps = new List<string>();
        if (outcome == BounceOutcome.Unmatched)
        {
            steps.Add("No person has this address. If it belongs to someone under another spelling, correct their email address; otherwise there is nothing to do.");
            return steps;
        }

        if (outcome == BounceOutcome.Held)
        {
            steps.Add("An Admin should approve this bounce (apply it) only if the address really was mailed by us; otherwise reject it.");
            return steps;
        }

        if (outcome == BounceOutcome.Ignored)
        {
            steps.Add("Nothing to do: the bounce matched no send of ours and was not applied.");
            return steps;
        }

        if (outcome == BounceOutcome.NotABounce)
        {
            steps.Add(reason switch
            {
                "feedback" => "The recipient complained about this email: make sure they are unsubscribed and review how they came onto the list.",
                "vacation" => "Nothing to do: an automatic reply means the message arrived.",
                _ => "Nothing to do: the message was delivered.",
            });
            return steps;
        }

        if (suspectedFalsePositive)
        {
            steps.Add(FalsePositiveReview);
        }

        switch (category)
        {
            case BounceTaxonomy.Block:
                steps.Add(reason switch
                {
                    "authfailure" => "Check SPF, DKIM and DMARC for the sending domain; the receiver could not authenticate the message.",
                    "requireptr" => "Give the sending IP address a reverse DNS (PTR) record that matches its forward DNS.",
                    "spamdetected" or "contenterror" or "virusdetected" => "Review this email's content, links and attachments for what a spam filter would object to.",
                    "badreputation" => "Check your sending reputation (complaint rate, list hygiene, sending volume) at the receiving provider's postmaster tools.",
                    "filtered" => "The recipient filters your mail; ask them to allow your sending address if they want your email.",
                    _ => "Check your sending reputation and the block list named in the diagnostic, and ask for delisting once the cause is fixed.",
                });
                if (diagnostic is not null && BlockListNamed(diagnostic) is { } list)
                {
                    steps.Add($"Look up the sending IP at {list}, the block list the receiver named.");
                }

                steps.Add("The person is mailable again 24 hours after Email Suspended At; Email Suspended stays checked as history.");
                break;

            case BounceTaxonomy.Invalid:
                steps.Add(reason switch
                {
                    "hostunknown" => "Check the domain for a typo (such as gmial.com); correct or remove the address. If you know it is valid, an Admin can uncheck Email Invalid.",
                    "suppressed" => "The sending service will not mail this address until it is removed from its suppression list; do that only if you know the address is valid.",
                    _ => "Remove or correct the address; if you know it is valid, an Admin can uncheck Email Invalid.",
                });
                break;

            case BounceTaxonomy.Temporary:
                steps.Add(reason switch
                {
                    "speeding" or "toomanyconn" => "Nothing to do for the person. Lower the sending rate or connections to this domain if it keeps happening.",
                    "mailboxfull" => "Nothing to do: the sender retries and the person stays mailable. Mailbox-full bounces for weeks suggest an abandoned mailbox.",
                    _ => "Nothing to do: a temporary failure; the sender retries and the person stays mailable.",
                });
                break;

            case BounceTaxonomy.Technical:
                steps.Add("Nothing to do for the person. If many bounces show the same error, check the sending server's DNS, TLS and relay configuration.");
                break;

            default:
                steps.Add("Nothing changed. Read the raw diagnostic; if bounces like this recur, a classifier rule may be missing.");
                break;
        }

        return steps;
    }

    /// <summary>Why applying a bounce changed no bounce field.</summary>
    public static string? NoChangeReason(int? category, BounceOutcome outcome) => outcome switch
    {
        BounceOutcome.Unmatched => "Nothing changed: no person has this address.",
        BounceOutcome.NotABounce => "Nothing changed: this is not a bounce, and only bounces touch the bounce fields.",
        BounceOutcome.Held => "Nothing changed yet: the bounce is unverified and waits for an Admin's approval.",
        BounceOutcome.Ignored => "Nothing changed: the bounce is unverified and was ignored (Bounces:UnverifiedPolicy) or rejected by an Admin.",
        _ => category switch
        {
            BounceTaxonomy.Block => "Nothing changed: the person was already suspended by a later or equal bounce.",
            BounceTaxonomy.Invalid => "Nothing changed: Email Invalid was already checked.",
            _ => "Nothing changed: soft bounces (categories 3, 4 and 9, every temporary failure among them) never change the bounce fields.",
        },
    };

    private static readonly string[] BlockLists = ["zen.spamhaus.org", "spamhaus", "spamcop", "barracuda", "sorbs", "uceprotect"];

    private static string? BlockListNamed(string diagnostic)
        => BlockLists.FirstOrDefault(b => diagnostic.Contains(b, StringComparison.OrdinalIgnoreCase));
}
