using System.Globalization;

namespace BounceAdmin.Features.BounceHealth;

/// <summary>How the top receiving domains are ranked.</summary>
public enum DomainRanking
{
    /// <summary>Most sends first.</summary>
    Sends,

    /// <summary>Most bounces (hard + soft) first.</summary>
    Bounces,
}

/// <summary>Counts of one domain (or of all domains) over a frame or a day, with the rates over sends.</summary>
/// <param name="Domain">The receiving domain, or null for all domains together.</param>
public sealed record DomainHealthRow(
    string? Domain, int Sent, int HardBounced, int SoftBounced,
    int Category1, int Category2, int Category3, int Category4, int Category9)
{
    /// <summary>Hard plus soft bounces.</summary>
    public int Bounced => HardBounced + SoftBounced;

    /// <summary>Bounces over sends (0 without sends; may exceed 1 when late bounces answer earlier sends).</summary>
    public double BounceRate => Rate(Bounced, Sent);

    public double HardRate => Rate(HardBounced, Sent);

    public double SoftRate => Rate(SoftBounced, Sent);

    internal static double Rate(int count, int sent) => sent == 0 ? 0 : (double)count / sent;
}

/// <summary>The ranked domains of a frame, with the totals over every domain.</summary>
/// <param name="DomainCount">How many domains had sends or bounces in the frame (the rows are the first of them).</param>
public sealed record DomainHealthSummary(DateTime From, DateTime To, DomainHealthRow Totals, IReadOnlyList<DomainHealthRow> Rows, int DomainCount);

/// <summary>One UTC day of a series.</summary>
public sealed record DailyHealthPoint(DateTime Day, int Sent, int HardBounced, int SoftBounced)
{
    public double BounceRate => DomainHealthRow.Rate(HardBounced + SoftBounced, Sent);

    public double HardRate => DomainHealthRow.Rate(HardBounced, Sent);

    public double SoftRate => DomainHealthRow.Rate(SoftBounced, Sent);
}

/// <summary>
/// A day on which a domain's hard-bounce rate jumped far above its own baseline (see
/// <see cref="BounceHealthService.IncidentRule"/>): probably a block or spam filter answering with hard bounces that
/// look like "user unknown" (SPEC §3), not a list of dead addresses.
/// </summary>
/// <param name="BaselineRate">Hard bounces over sends of the domain in the 30 days before <paramref name="Day"/>.</param>
/// <param name="BaselineSent">The sends the baseline is taken over.</param>
public sealed record DomainIncident(
    string Domain, DateTime Day, int Sent, int HardBounced, int Category1, int Category2, double BaselineRate, int BaselineSent)
{
    public double HardRate => DomainHealthRow.Rate(HardBounced, Sent);

    /// <summary>The Bounces page filtered to this domain's hard bounces of that day (its From and To are inclusive).</summary>
    public string BouncesLink
    {
        get
        {
            var day = Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return $"/bounces?domain={Uri.EscapeDataString(Domain)}&from={day}&to={day}&kind=Hard";
        }
    }
}

/// <summary>The thresholds of the incident rule; the defaults are what the page uses.</summary>
/// <param name="BaselineDays">Days before the day that make the domain's own baseline.</param>
/// <param name="Factor">The day's hard rate must reach this multiple of the baseline rate…</param>
/// <param name="MinRise">…and the baseline plus this many (as a fraction: 0.05 = 5 percentage points).</param>
/// <param name="MinDaySent">Fewer sends that day is noise.</param>
/// <param name="MinDayHard">Fewer hard bounces that day is noise.</param>
/// <param name="MinBaselineSent">A baseline over fewer sends says nothing; such a day is not judged.</param>
public sealed record IncidentRule(
    int BaselineDays = 30, double Factor = 3, double MinRise = 0.05, int MinDaySent = 20, int MinDayHard = 5, int MinBaselineSent = 50)
{
    /// <summary>True when a day's counts against a baseline make an incident.</summary>
    public bool IsIncident(int daySent, int dayHard, int baselineSent, int baselineHard)
    {
        if (daySent < MinDaySent || dayHard < MinDayHard || baselineSent < MinBaselineSent)
        {
            return false;
        }

        var rate = (double)dayHard / daySent;
        var baseline = (double)baselineHard / baselineSent;
        return rate >= Math.Max(Factor * baseline, baseline + MinRise);
    }
}
