using BounceAdmin.Data;
using BounceAdmin.Data.Entities;

namespace BounceAdmin.Tests.Features.BounceHealth;

/// <summary>Rows of the domain-health aggregate, written directly, for the service's read tests.</summary>
internal static class HealthTestData
{
    public static void AddStat(this AppDbContext db, DateTime day, string domain, int sent, int hard = 0, int soft = 0,
        int cat1 = 0, int cat2 = -1, int cat3 = -1, int cat4 = 0, int cat9 = 0)
    {
        db.Set<DomainDailyStat>().Add(new DomainDailyStat
        {
            Day = day,
            Domain = domain,
            Sent = sent,
            HardBounced = hard,
            SoftBounced = soft,
            Category1 = cat1,
            Category2 = cat2 < 0 ? hard - cat1 : cat2, // by default the hard bounces not in Category 1 are Category 2
            Category3 = cat3 < 0 ? soft - cat4 - cat9 : cat3,
            Category4 = cat4,
            Category9 = cat9,
        });
        db.SaveChanges();
    }

    /// <summary>The same numbers every day of [from, to).</summary>
    public static void AddDays(this AppDbContext db, DateTime from, DateTime to, string domain, int sent, int hard, int soft = 0)
    {
        for (var day = from; day < to; day = day.AddDays(1))
        {
            db.AddStat(day, domain, sent, hard, soft);
        }
    }
}
