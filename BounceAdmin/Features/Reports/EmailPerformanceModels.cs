namespace BounceAdmin.Features.Reports;

/// <summary>
/// What the Email Performance Report covers: sends whose Sent Date lies in [<see cref="From"/>, <see cref="To"/>) (UTC),
/// optionally one program (folder) and/or one email, optionally without deleted people.
/// </summary>
/// <param name="From">Inclusive lower bound on the send's Sent Date (UTC).</param>
/// <param name="To">Exclusive upper bound on the send's Sent Date (UTC).</param>
/// <param name="ProgramId">Only emails of this program, or every program when null.</param>
/// <param name="EmailId">Only this email, or every email when null.</param>
/// <param name="HideDeletedPeople">Leave out sends to people marked <c>IsDeleted</c>.</param>
public sealed record EmailPerformanceFilter(
    DateTime From,
    DateTime To,
    int? ProgramId = null,
    int? EmailId = null,
    bool HideDeletedPeople = false);

/// <summary>The counts of the report; each one drills down to the people behind it.</summary>
public enum EmailPerformanceMetric
{
    Sent,
    Delivered,
    HardBounced,
    SoftBounced,
    Pending,
    Aborted,
    Opened,
    Clicked,
    Unsubscribed,
}

/// <summary>
/// One line of the report: the counts of one email (or of all of them, for the totals) and the rates derived from them.
/// Every count is of distinct (email, person) pairs: repeated sends of one email to one person count once.
/// </summary>
/// <remarks>
/// <see cref="Delivered"/> + <see cref="HardBounced"/> + <see cref="SoftBounced"/> + <see cref="Pending"/> =
/// <see cref="Sent"/> (counting rule 1). <see cref="Aborted"/> is the part of <see cref="Pending"/> that has waited
/// three days or more, so it is not added again. Rates are percentages (0–100), null when their denominator is zero.
/// </remarks>
public sealed record EmailPerformanceRow(
    int? EmailId,
    string EmailName,
    int Sent,
    int Delivered,
    int HardBounced,
    int SoftBounced,
    int Pending,
    int Aborted,
    int Opened,
    int Clicked,
    int Unsubscribed)
{
    /// <summary>Delivered over Sent.</summary>
    public double? PercentDelivered => Percent(Delivered, Sent);

    /// <summary>Hard Bounced over Sent.</summary>
    public double? PercentHardBounced => Percent(HardBounced, Sent);

    /// <summary>Soft Bounced over Sent.</summary>
    public double? PercentSoftBounced => Percent(SoftBounced, Sent);

    /// <summary>Opened over Delivered (engagement is measured over what arrived).</summary>
    public double? PercentOpened => Percent(Opened, Delivered);

    /// <summary>Clicked Email over Delivered.</summary>
    public double? PercentClicked => Percent(Clicked, Delivered);

    /// <summary>Clicked Email over Opened.</summary>
    public double? ClickedToOpened => Percent(Clicked, Opened);

    /// <summary>Unsubscribed over Delivered.</summary>
    public double? PercentUnsubscribed => Percent(Unsubscribed, Delivered);

    /// <summary>The count behind one metric, as used for drill-down links.</summary>
    public int Count(EmailPerformanceMetric metric) => metric switch
    {
        EmailPerformanceMetric.Sent => Sent,
        EmailPerformanceMetric.Delivered => Delivered,
        EmailPerformanceMetric.HardBounced => HardBounced,
        EmailPerformanceMetric.SoftBounced => SoftBounced,
        EmailPerformanceMetric.Pending => Pending,
        EmailPerformanceMetric.Aborted => Aborted,
        EmailPerformanceMetric.Opened => Opened,
        EmailPerformanceMetric.Clicked => Clicked,
        EmailPerformanceMetric.Unsubscribed => Unsubscribed,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    private static double? Percent(int part, int whole) => whole == 0 ? null : 100.0 * part / whole;
}

/// <summary>The report: one row per email that had sends in the frame, and the totals over them.</summary>
public sealed record EmailPerformanceReport(
    EmailPerformanceFilter Filter,
    DateTime GeneratedAt,
    IReadOnlyList<EmailPerformanceRow> Rows,
    EmailPerformanceRow Totals);

/// <summary>One person behind a count: one (email, person) pair of the report.</summary>
/// <param name="LastSentAt">The latest send of this email to this person in the frame (UTC).</param>
/// <param name="Outcome">The pair's delivery outcome: Delivered, Hard Bounced, Soft Bounced, Pending or Aborted.</param>
public sealed record EmailPerformancePerson(
    int PersonId,
    string? Email,
    string? FirstName,
    string? LastName,
    bool IsDeleted,
    int EmailId,
    string EmailName,
    DateTime LastSentAt,
    string Outcome,
    bool Opened,
    bool Clicked,
    bool Unsubscribed);

/// <summary>How the drill-down is ordered.</summary>
public enum EmailPerformancePeopleSort
{
    EmailAddress,
    LastName,
    EmailName,
    LastSentAt,
}

/// <summary>A page of drill-down people and how many there are in all.</summary>
public sealed record EmailPerformancePeoplePage(IReadOnlyList<EmailPerformancePerson> Items, int TotalCount, int Page, int PageSize);

/// <summary>A program or email to choose in the report's filters.</summary>
public sealed record ReportOption(int Id, string Name);

/// <summary>The formats the report and its drill-downs export to.</summary>
public enum ReportFileFormat
{
    Csv,
    Excel,
}

/// <summary>An exported file, ready to download.</summary>
public sealed record ReportFile(string FileName, string ContentType, byte[] Content);
