using System.Text.Json.Serialization;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>The answer to an accepted webhook request: what its events did (the counts of an ingest, per request).</summary>
public sealed class WebhookSummary
{
    /// <summary>Bounces recorded against a person for the first time.</summary>
    [JsonPropertyName("applied")] public int Applied { get; set; }

    /// <summary>Events received before (a provider's retry); nothing changed.</summary>
    [JsonPropertyName("duplicates")] public int Duplicates { get; set; }

    /// <summary>Bounces whose recipient matches no person; kept for re-matching.</summary>
    [JsonPropertyName("unmatched")] public int Unmatched { get; set; }

    /// <summary>Complaints and deliveries: recorded, never a change to the bounce fields (a complaint unsubscribes).</summary>
    [JsonPropertyName("notBounces")] public int NotBounces { get; set; }

    /// <summary>Events of kinds not recorded (opens, clicks, processed, the provider's own unsubscribes).</summary>
    [JsonPropertyName("ignored")] public int Ignored { get; set; }

    /// <summary>Unverified bounces kept without applying them (Bounces:UnverifiedPolicy review or ignore).</summary>
    [JsonPropertyName("held")] public int Held { get; set; }

    /// <summary>Deliveries, opens, clicks and unsubscribes recorded on their sends (or already recorded: a retry); left out when 0.</summary>
    [JsonPropertyName("engagement")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Engagement { get; set; }

    /// <summary>Engagement events whose send is not known here (not stored); left out when 0.</summary>
    [JsonPropertyName("engagementUnmatched")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int EngagementUnmatched { get; set; }
}
