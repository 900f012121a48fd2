using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class MarketingProgramConfiguration : IEntityTypeConfiguration<MarketingProgram>
{
    public void Configure(EntityTypeBuilder<MarketingProgram> b)
    {
        b.ToTable("Programs");
        b.Property(p => p.Name).HasMaxLength(200);
    }
}

public sealed class EmailConfiguration : IEntityTypeConfiguration<Email>
{
    public void Configure(EntityTypeBuilder<Email> b)
    {
        b.Property(e => e.Name).HasMaxLength(200);
        b.Property(e => e.Subject).HasMaxLength(500);
        b.HasOne(e => e.Program).WithMany(p => p.Emails).HasForeignKey(e => e.ProgramId);
    }
}

public sealed class EmailSendConfiguration : IEntityTypeConfiguration<EmailSend>
{
    public void Configure(EntityTypeBuilder<EmailSend> b)
    {
        b.ToTable("Sends");
        b.Property(s => s.MessageId).HasMaxLength(500);
        // A default, so bulk INSERTs that do not name the column (seeder, bench) store "no outcome yet".
        b.Property(s => s.ReportFlags).HasDefaultValue(0);
        b.HasOne(s => s.Email).WithMany().HasForeignKey(s => s.EmailId);
        b.HasOne(s => s.Person).WithMany().HasForeignKey(s => s.PersonId);
        b.HasIndex(s => new { s.SentAt, s.EmailId, s.PersonId });
        // Drill-down of one email (it also serves the EmailId foreign key).
        b.HasIndex(s => new { s.EmailId, s.SentAt, s.PersonId });
        // The report's live count of pending sends on the day where Aborted starts: pending sends are few.
        b.HasIndex(s => new { s.SentAt, s.EmailId }, "IX_Sends_Pending_SentAt_EmailId").HasFilter("\"ReportFlags\" = 0");
        // A person's sends in time order (activity tab), covering for the report's per-person reads (deleted people's
        // sends, bounce attribution), so those never touch the table.
        b.HasIndex(s => new { s.PersonId, s.SentAt, s.EmailId, s.ReportFlags });
        b.HasIndex(s => s.MessageId);
    }
}

public sealed class EmailEventConfiguration : IEntityTypeConfiguration<EmailEvent>
{
    public void Configure(EntityTypeBuilder<EmailEvent> b)
    {
        b.HasOne(e => e.Send).WithMany().HasForeignKey(e => e.SendId);
        b.HasIndex(e => new { e.SendId, e.Type });
        b.HasIndex(e => new { e.PersonId, e.OccurredAt });
    }
}

public sealed class EmailDailyStatConfiguration : IEntityTypeConfiguration<EmailDailyStat>
{
    public void Configure(EntityTypeBuilder<EmailDailyStat> b)
    {
        b.ToTable("EmailDailyStats");
        b.HasKey(d => new { d.Day, d.EmailId });
    }
}

public sealed class EmailRepeatSendConfiguration : IEntityTypeConfiguration<EmailRepeatSend>
{
    public void Configure(EntityTypeBuilder<EmailRepeatSend> b)
    {
        b.ToTable("EmailRepeatSends");
        b.HasKey(r => r.SendId);
        b.Property(r => r.SendId).ValueGeneratedNever();
        // The report reads the repeated sends of its frame: covering, in Sent Date order.
        b.HasIndex(r => new { r.SentAt, r.EmailId, r.PersonId, r.ReportFlags });
    }
}
