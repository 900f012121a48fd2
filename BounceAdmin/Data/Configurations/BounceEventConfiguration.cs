using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class BounceEventConfiguration : IEntityTypeConfiguration<BounceEvent>
{
    public void Configure(EntityTypeBuilder<BounceEvent> b)
    {
        b.Property(e => e.Recipient).HasMaxLength(320);
        b.Property(e => e.RecipientDomain).HasMaxLength(255);
        b.Property(e => e.Reason).HasMaxLength(40);
        b.Property(e => e.Status).HasMaxLength(16);
        b.Property(e => e.Diagnostic).HasMaxLength(4000);
        b.Property(e => e.RemoteMta).HasMaxLength(255);
        b.Property(e => e.Source).HasMaxLength(60);
        b.Property(e => e.Rule).HasMaxLength(100);
        b.Property(e => e.RuleExplanation).HasMaxLength(500);
        b.Property(e => e.OriginalMessageId).HasMaxLength(500);
        b.Property(e => e.DedupKey).HasMaxLength(128);
        b.Property(e => e.Changes).HasMaxLength(1000);
        // Issue 14: a default, so bulk INSERTs that do not name the column (seeder, bench) store "verified".
        b.Property(e => e.Unverified).HasDefaultValue(false);

        b.HasOne(e => e.Person).WithMany().HasForeignKey(e => e.PersonId);
        b.HasOne(e => e.Send).WithMany().HasForeignKey(e => e.SendId);

        b.HasIndex(e => e.DedupKey).IsUnique();
        b.HasIndex(e => new { e.PersonId, e.OccurredAt });
        b.HasIndex(e => e.SendId);
        b.HasIndex(e => new { e.OccurredAt, e.RecipientDomain });
        b.HasIndex(e => new { e.Outcome, e.Recipient });
    }
}

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.Actor).HasMaxLength(320);
        b.Property(a => a.Field).HasMaxLength(40);
        b.Property(a => a.OldValue).HasMaxLength(2000);
        b.Property(a => a.NewValue).HasMaxLength(2000);
        b.Property(a => a.Reason).HasMaxLength(2000);
        b.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId);
        b.HasOne(a => a.BounceEvent).WithMany().HasForeignKey(a => a.BounceEventId);
        b.HasIndex(a => new { a.PersonId, a.At });
        b.HasIndex(a => a.At);
        // Only bulk runs set a batch; the many entries the bounce rules write carry none and stay out of this index.
        b.HasIndex(a => a.BatchId).HasFilter("\"BatchId\" IS NOT NULL");
    }
}

public sealed class QuarantinedMessageConfiguration : IEntityTypeConfiguration<QuarantinedMessage>
{
    public void Configure(EntityTypeBuilder<QuarantinedMessage> b)
    {
        b.ToTable("Quarantine");
        b.Property(q => q.Source).HasMaxLength(60);
        b.Property(q => q.FileName).HasMaxLength(1000);
        b.Property(q => q.Error).HasMaxLength(2000);
        b.Property(q => q.ContentSha256).HasMaxLength(64);
        b.HasIndex(q => q.ReceivedAt);
    }
}
