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

        // One domain's series and its 30-day baseline seek on (Domain, Day); the frame-wide queries use the key.
        b.HasIndex(s => new { s.Domain, s.Day });
    }
}
