using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("People");
        b.Property(p => p.Email).HasMaxLength(320);
        b.Property(p => p.EmailNormalized).HasMaxLength(320);
        b.Property(p => p.EmailDomain).HasMaxLength(255);
        b.Property(p => p.FirstName).HasMaxLength(100);
        b.Property(p => p.LastName).HasMaxLength(100);
        b.Property(p => p.Company).HasMaxLength(200);
        b.Property(p => p.EmailSuspendedCause).HasMaxLength(2000);
        b.Property(p => p.EmailInvalidCause).HasMaxLength(2000);
        b.Property(p => p.Version).IsConcurrencyToken();

        b.HasIndex(p => p.EmailNormalized).IsUnique();
        b.HasIndex(p => new { p.EmailDomain, p.EmailNormalized });
        b.HasIndex(p => p.LastName);
        b.HasIndex(p => p.Company);
        b.HasIndex(p => p.EmailSuspendedAt);

        // SQLite uses a partial index only when the query repeats its filter term for term, and EF writes booleans bare
        // ("NOT "IsDeleted""), so these filters are written the same way (see Features/Bench/BENCH.md). They serve the
        // people grid's status filters and deep pages; a plain index on a boolean is never chosen.
        b.HasIndex(p => new { p.EmailDomain, p.EmailNormalized }, "IX_People_Live_EmailDomain_EmailNormalized")
            .HasFilter("NOT \"IsDeleted\"");
        b.HasIndex(p => new { p.LastName, p.FirstName }, "IX_People_Invalid_LastName_FirstName")
            .HasFilter("\"EmailInvalid\" AND NOT \"IsDeleted\"");
        b.HasIndex(p => new { p.EmailNormalized, p.Id, p.EmailSuspendedAt, p.Email, p.IsDeleted, p.Blocklisted, p.EmailInvalid,
                p.MarketingSuspended, p.Unsubscribed }, "IX_People_Mailable_Email")
            .HasFilter("NOT \"IsDeleted\" AND NOT \"Blocklisted\" AND NOT \"EmailInvalid\" AND NOT \"MarketingSuspended\" AND NOT \"Unsubscribed\"");
        b.HasIndex(p => p.CreatedAt, "IX_People_Live_CreatedAt").HasFilter("NOT \"IsDeleted\"");
        // The few deleted people, for the report's "hide deleted people".
        b.HasIndex(p => p.Id, "IX_People_Deleted").HasFilter("\"IsDeleted\"");
    }
}

/// <summary>Rows of the FTS5 people search (<see cref="PeopleSearchIndex"/>): no table of its own, read with FromSql.</summary>
public sealed class PersonTextMatchConfiguration : IEntityTypeConfiguration<PersonTextMatch>
{
    public void Configure(EntityTypeBuilder<PersonTextMatch> b)
    {
        b.HasNoKey();
        b.ToView(null);
    }
}
