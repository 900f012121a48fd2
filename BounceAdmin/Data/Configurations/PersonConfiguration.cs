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
        b.HasIndex(p => p.EmailInvalid).HasFilter("EmailInvalid = 1");
    }
}
