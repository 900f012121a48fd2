using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.PublicId).HasMaxLength(32);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.Property(k => k.Scopes).HasMaxLength(200);
        b.Property(k => k.CreatedBy).HasMaxLength(256);
        b.Property(k => k.RevokedBy).HasMaxLength(256);
        b.HasIndex(k => k.PublicId).IsUnique();
        b.HasIndex(k => k.Name).IsUnique();
    }
}
