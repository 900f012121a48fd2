using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class DomainDailyStatConfiguration : IEntityTypeConfiguration<DomainDailyStat>
{
    public void Configure(EntityTypeBuilder<DomainDailyStat> b)
    {
        b.ToTable("DomainDailyStats");
        b.HasKey(s => new { s.Day, s.Domain });
        b.Property(s => s.Domain).HasMaxLength(255);

        // Covering (Domain, Day, counts): the per-domain sums of a frame read it in domain order with a skip-scan on Day
        // and never touch the table (bench, 10M sends, 5,020 domains: 30 days 49 → 25 ms CPU, 90 days 149 → 72 ms); one
        // domain's series and its 30-day baseline seek on it too. The frame-wide daily series uses the key (Day, Domain).
        b.HasIndex(s => new { s.Domain, s.Day, s.Sent, s.HardBounced, s.SoftBounced, s.Category1, s.Category2, s.Category3, s.Category4, s.Category9 })
            .HasDatabaseName("IX_DomainDailyStats_Domain_Day_Counts");
    }
}
