using BounceAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BounceAdmin.Data.Configurations;

public sealed class ImportBatchConfiguration : IEntityTypeConfiguration<ImportBatch>
{
    public void Configure(EntityTypeBuilder<ImportBatch> b)
    {
        b.ToTable("ImportBatches");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.FileName).HasMaxLength(260);
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.Property(x => x.Error).HasMaxLength(2000);
        // The "last mapping of this user" lookup.
        b.HasIndex(x => new { x.CreatedBy, x.StartedAt });
    }
}

/// <summary>A person's source import (<see cref="Person.ImportBatchId"/>), configured here to keep PersonConfiguration untouched.</summary>
public sealed class PersonImportBatchConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        // No relationship (see Person.ImportBatchId): a column and its index, which "people of this import" uses.
        b.HasIndex(p => p.ImportBatchId);
    }
}
