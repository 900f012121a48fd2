namespace BounceAdmin.Features.Bounces.Explain;

/// <summary>
/// One plain-language sentence per reason name of SPEC §3, for people who do not read SMTP. The reason → category
/// mapping stays in <see cref="BounceTaxonomy"/>; this only says what each reason means.
/// </summary>
public static class BounceReasonTexts
{
    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        ["userunknown"] = "The receiving server says this mailbox does not exist.",
        ["hostunknown"] = "The domain of this address does not exist or has no mail server.",
        ["hasmoved"] = "The address has moved: the mailbox is no longer used and there is no forwarding address.",
        ["suppressed"] = "The sending service refused to send because the address is on its suppression list.",
        ["notaccept"] = "The receiving domain accepts no email at all (for example a null MX record).",
        ["blocked"] = "The receiving server refused our sending server or its IP address, often because of a block list.",
        ["spamdetected"] = "The receiving server judged the message to be spam.",
        ["policyviolation"] = "The recipient's organisation refused the message under its own mail policy.",
        ["badreputation"] = "The receiving server refused the message because of our sending reputation.",
        ["requireptr"] = "Our sending IP address has no valid reverse DNS (PTR) record, which the receiver requires.",
        ["authfailure"] = "The message failed the receiver's SPF, DKIM or DMARC authentication checks.",
        ["notcompliantrfc"] = "The message does not follow the email standards (RFCs) closely enough for the receiver.",
        ["rejected"] = "The receiving server refused our envelope sender address.",
        ["securityerror"] = "There was an authentication or security problem on the sending side.",
        ["virusdetected"] = "The receiving server found a virus or malware in the message.",
        ["contenterror"] = "The receiving server refused the message because of its content.",
        ["filtered"] = "The recipient's own filter or block rule refused the message.",
        ["mailboxfull"] = "The recipient's mailbox is full.",
        ["exceedlimit"] = "The message is over a size or quota limit set for the recipient.",
        ["mesgtoobig"] = "The message is too large for the receiving server.",
        ["toomanyconn"] = "The receiving server refused because we opened too many connections at once.",
        ["speeding"] = "The receiving server is limiting how fast we may send (rate limiting).",
        ["systemfull"] = "The receiving mail system is out of storage space.",
        ["expired"] = "Delivery was retried until the sending server gave up.",
        ["suspend"] = "The recipient's mailbox is disabled or suspended.",
        ["networkerror"] = "A DNS or network problem prevented delivery.",
        ["systemerror"] = "The receiving mail system had an internal fault.",
        ["mailererror"] = "A mail program on the receiving side failed.",
        ["norelaying"] = "The receiving server refused to relay the message (relaying denied).",
        ["failedstarttls"] = "An encrypted (TLS) connection could not be set up.",
        ["syntaxerror"] = "The SMTP conversation had a syntax error.",
        ["undefined"] = "The bounce does not say clearly enough why delivery failed.",
        ["onhold"] = "Delivery is on hold and the reason cannot be decided.",
        ["delivered"] = "This is a delivery confirmation, not a bounce: the message arrived.",
        ["vacation"] = "This is an automatic reply (out of office), not a bounce: the message arrived.",
        ["feedback"] = "This is a complaint report: the recipient marked the message as spam.",
    };

    /// <summary>Every reason this table explains.</summary>
    public static IEnumerable<string> Reasons => Texts.Keys;

    /// <summary>The sentence for <paramref name="reason"/>, or a neutral one for a name this table does not know.</summary>
    public static string Describe(string? reason)
        => reason is not null && Texts.TryGetValue(reason, out var text) ? text : $"The reason \"{reason}\" has no description.";
}
