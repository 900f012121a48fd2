using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace BounceAdmin.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public void TheModelHasNoPendingMigration()
    {
        using var db = new SqliteTestDatabase();
        using var context = db.NewContext();
        Assert.False(context.Database.HasPendingModelChanges(), "The EF model changed without a migration: run dotnet ef migrations add.");
        Assert.Empty(context.Database.GetPendingMigrations());
    }
}
