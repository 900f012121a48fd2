using System.Text;
using System.Text.Json;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// An Amazon SNS HTTP(S) message (Notification, SubscriptionConfirmation, UnsubscribeConfirmation) and the canonical
/// string SNS signs, as the SNS developer guide ("Verifying the signatures of Amazon SNS messages") documents it.
/// </summary>
public sealed partial record SnsMessage(
    string Type,
    string MessageId,
    string TopicArn,
    string Message,
    string Timestamp,
    string? Subject,
    string? Token,
    string? SubscribeUrl,
    string? SignatureVersion,
    string? Signature,
    string? SigningCertUrl)
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    /// <summary>Reads the message; throws <see cref="WebhookFormatException"/> when it is not an SNS message.</summary>
    public static SnsMessage Parse(byte[] body)
    {
        using var doc = WebhookJson.Parse(body);
        var m = doc.RootElement;
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookFormatException("An SNS message is a JSON object.");
        }

        var type = WebhookJson.RequiredString(m, "Type");
        if (type is not (Notification or SubscriptionConfirmation or UnsubscribeConfirmation))
        {
            throw new WebhookFormatException($"Unknown SNS message type '{type}'.");
        }

        var confirmation = type != Notification;
        return new SnsMessage(
            type,
            WebhookJson.RequiredString(m, "MessageId"),
            WebhookJson.RequiredString(m, "TopicArn"),
            WebhookJson.RequiredString(m, "Message"),
            WebhookJson.RequiredString(m, "Timestamp"),
            WebhookJson.OptionalString(m, "Subject"),
            confirmation ? WebhookJson.RequiredString(m, "Token") : null,
            confirmation ? WebhookJson.RequiredString(m, "SubscribeURL") : null,
            WebhookJson.OptionalString(m, "SignatureVersion"),
            WebhookJson.OptionalString(m, "Signature"),
            WebhookJson.OptionalString(m, "SigningCertURL"));
    }

    /// <summary>
    /// The string SNS signs: "name\nvalue\n" for each field, in byte order of the names. A notification signs Message,
    /// MessageId, Subject (only when present), Timestamp, TopicArn and Type; the confirmations sign Message, MessageId,
    /// SubscribeURL, Timestamp, Token, TopicArn and Type.
    /// </summary>
    public string CanonicalString()
    {
        var s = new StringBuilder(Message.Length + 512);
        Append(s, "Message", Message);
        Append(s, "MessageId", MessageId);
        if (Type == Notification)
        {
            if (Subject is not null)
            {
                Append(s, "Subject", Subject);
            }
        }
        else
        {
            Append(s, "SubscribeURL", SubscribeUrl!);
        }

        Append(s, "Timestamp", Timestamp);
        if (Type != Notification)
        {
            Append(s, "Token", Token!);
        }

        Append(s, "TopicArn", TopicArn);
        Append(s, "Type", Type);
        return s.ToString();
    }

    private static void Append(StringBuilder s, string name, string value) => s.Append(name).Append('\n').Append(value).Append('\n');

    /// <summary>
    /// Whether <paramref name="url"/> is an https URL on an SNS host (<c>sns.&lt;region&gt;.amazonaws.com</c>): the only
    /// place a signing certificate may come from and a subscription may be confirmed at, so a forged message cannot point
    /// the check at a certificate of its own or make the app call an arbitrary host.
    /// </summary>
    public static bool IsSnsUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !uri.IsDefaultPort
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        // sns.<region>.amazonaws.com, the region named as AWS names them (us-east-1, eu-west-3, us-gov-west-1, ap-southeast-5):
        // "sns.s3.amazonaws.com" or "sns.my-bucket.amazonaws.com" are not SNS.
        var labels = uri.IdnHost.Split('.');
        return labels.Length == 4 && labels[0] == "sns" && labels[2] == "amazonaws" && labels[3] == "com"
            && RegionName().IsMatch(labels[1]);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]{1,2}$")]
    private static partial System.Text.RegularExpressions.Regex RegionName();
}
