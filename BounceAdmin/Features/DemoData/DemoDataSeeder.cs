namespace BounceAdmin.Features.DemoData;

/// <summary>Fills an empty Development database with a realistic marketing database.</summary>
public sealed class DemoDataSeeder
{
    public Task SeedIfEmptyAsync(CancellationToken ct = default) => Task.CompletedTask;
}
