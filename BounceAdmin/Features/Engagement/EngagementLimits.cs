namespace BounceAdmin.Features.Engagement;

/// <summary>The limits of the sends and events doors (SPEC §6, issue 12).</summary>
public static class EngagementLimits
{
    /// <summary>Items in one <c>POST /api/v1/sends</c> or <c>/events</c> request; more is answered 413.</summary>
    public const int MaxBatch = 10_000;

    /// <summary>Bytes of one request body (10,000 items of up to about 1.6 KB; below Kestrel's own 30 MB limit); more is answered 413.</summary>
    public const long MaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>The longest id (external id, Message-ID) stored.</summary>
    public const int MaxIdLength = 200;

    /// <summary>The longest email or program name stored.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest address stored.</summary>
    public const int MaxAddressLength = 320;
}
