namespace BounceAdmin.Features.Bounces;

/// <summary>What to do with an unverified bounce (one that matches no send of ours for its address), issue 14.</summary>
public enum UnverifiedPolicy
{
    /// <summary>Apply it like any other bounce (the default: today's behaviour); it is still marked unverified.</summary>
    Apply = 0,

    /// <summary>Keep it, changing nothing, until an Admin approves (then it is applied) or rejects it (Bounces page).</summary>
    Review = 1,

    /// <summary>Keep it for the record and change nothing.</summary>
    Ignore = 2,
}

/// <summary>The "Bounces" configuration section: how far a bounce is trusted.</summary>
public sealed class BounceTrustOptions
{
    public const string Section = "Bounces";

    /// <summary>
    /// <c>apply</c> (default) | <c>review</c> | <c>ignore</c>: what an unverified bounce that would set Email Suspended or
    /// Email Invalid does. A complaint that matches no send never unsubscribes, whatever this says.
    /// </summary>
    public UnverifiedPolicy UnverifiedPolicy { get; set; } = UnverifiedPolicy.Apply;

    /// <summary>How far back a send to the person makes a bounce verified (SPEC: 30 days).</summary>
    public static readonly TimeSpan VerificationWindow = TimeSpan.FromDays(30);
}
