using BounceAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Data;

/// <summary>The application's database: Identity plus the marketing and bounce data.</summary>
/// <remarks>
/// New migration: <c>dotnet ef migrations add NAME --project BounceAdmin --output-dir Data/Migrations</c>
/// (after <c>dotnet tool restore</c>).
/// </remarks>
public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<MarketingProgram> Programs => Set<MarketingProgram>();
    public DbSet<Email> Emails => Set<Email>();
    public DbSet<EmailSend> Sends => Set<EmailSend>();
    public DbSet<EmailEvent> EmailEvents => Set<EmailEvent>();
    public DbSet<BounceEvent> BounceEvents => Set<BounceEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<QuarantinedMessage> Quarantine => Set<QuarantinedMessage>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ImportBatch> ImportBatches => Set<ImportBatch>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is UTC (SPEC §2); SQLite keeps no kind, so it is restored on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BounceFieldGuard.Check(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BounceFieldGuard.Check(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
