using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

/// <summary>The external ids of emails and sends and the de-duplication key of events (Data/Entities/SendsIn.cs).</summary>
public sealed class EmailExternalIdConfiguration : IEntityTypeConfiguration<Email>
{
    public void Configure(EntityTypeBuilder<Email> b)
    {
        b.Property(e => e.ExternalId).HasMaxLength(200);
        b.HasIndex(e => e.ExternalId).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
        // Emails are found by name (within their program) when the sender gives no external id.
        b.HasIndex(e => e.Name);
    }
}

public sealed class EmailSendExternalIdConfiguration : IEntityTypeConfiguration<EmailSend>
{
    public void Configure(EntityTypeBuilder<EmailSend> b)
    {
        b.Property(s => s.ExternalId).HasMaxLength(200);
        b.HasIndex(s => s.ExternalId).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
    }
}

public sealed class EmailEventDedupConfiguration : IEntityTypeConfiguration<EmailEvent>
{
    public void Configure(EntityTypeBuilder<EmailEvent> b)
    {
        b.Property(e => e.DedupKey).HasMaxLength(200);
        b.HasIndex(e => e.DedupKey).IsUnique().HasFilter("\"DedupKey\" IS NOT NULL");
    }
}
