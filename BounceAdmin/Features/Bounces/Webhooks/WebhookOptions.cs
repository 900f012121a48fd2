namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// The "Webhooks" configuration section. Every provider is off until it is enabled and given its secret: an endpoint that
/// is off answers 404, as if it did not exist.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Largest request body accepted, in bytes (413 above it). Providers send far less: SendGrid batches stay under 1 MB.</summary>
    public int MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most events one request may carry (413 above it, nothing applied); SendGrid posts at most a few thousand.</summary>
    public int MaxEventsPerRequest { get; set; } = 10_000;

    /// <summary>
    /// How long a webhook request waits for SQLite's write lock, in seconds, before it answers 503 with Retry-After (the
    /// provider retries; de-duplication makes that safe) instead of holding the provider's connection.
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 3;

    /// <summary>The Retry-After a 503 answers with, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 30;

    public SesWebhookOptions Ses { get; set; } = new();

    public SendGridWebhookOptions SendGrid { get; set; } = new();

    public MailgunWebhookOptions Mailgun { get; set; } = new();

    public PostmarkWebhookOptions Postmark { get; set; } = new();

    public GenericWebhookOptions Generic { get; set; } = new();
}

/// <summary>Amazon SES notifications delivered by Amazon SNS (POST /api/webhooks/ses).</summary>
public sealed class SesWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The SNS topics (full ARNs) whose messages are accepted; a message from any other topic is refused (401).</summary>
    public string[] AllowedTopicArns { get; set; } = [];

    /// <summary>Confirm a subscription (GET its SubscribeURL) once its signature checks; off to confirm by hand in the AWS console.</summary>
    public bool ConfirmSubscriptions { get; set; } = true;

    /// <summary>Time limit of one fetch from SNS (signing certificate, subscription confirmation), in seconds.</summary>
    public int FetchTimeoutSeconds { get; set; } = 5;

    internal bool IsConfigured => Enabled && AllowedTopicArns.Any(a => !string.IsNullOrWhiteSpace(a));
}

/// <summary>SendGrid's signed Event Webhook (POST /api/webhooks/sendgrid).</summary>
public sealed class SendGridWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The verification key SendGrid shows for the signed webhook: an ECDSA P-256 public key, base64 SubjectPublicKeyInfo.</summary>
    public string? PublicKey { get; set; }

    /// <summary>How far the signed timestamp may be from now, in seconds, before the request is refused as a replay.</summary>
    public int ToleranceSeconds { get; set; } = 300;

    internal bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(PublicKey);
}

/// <summary>Mailgun's webhooks (POST /api/webhooks/mailgun).</summary>
public sealed class MailgunWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The HTTP webhook signing key of the Mailgun account (not the API key).</summary>
    public string? SigningKey { get; set; }

    /// <summary>How old (or how far ahead) a signed timestamp may be, in seconds; older requests are refused as replays.</summary>
    public int ToleranceSeconds { get; set; } = 300;

    internal bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(SigningKey);
}

/// <summary>
/// Postmark's bounce and spam-complaint webhooks (POST /api/webhooks/postmark). Postmark signs nothing: the webhook URL
/// carries HTTP Basic credentials (https://user:password@host/api/webhooks/postmark), checked here.
/// </summary>
public sealed class PostmarkWebhookOptions
{
    public bool Enabled { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    internal bool IsConfigured => Enabled && !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);
}

/// <summary>The generic JSON endpoint for custom MTAs (POST /api/webhooks/generic), secured by a bearer token.</summary>
public sealed class GenericWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The token callers send as <c>Authorization: Bearer &lt;token&gt;</c>; use a long random value.</summary>
    public string? Token { get; set; }

    internal bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(Token);
}
