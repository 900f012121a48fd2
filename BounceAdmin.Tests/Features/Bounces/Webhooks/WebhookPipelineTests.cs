using BounceAdmin.Data;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>The shared endpoint pipeline, driven directly with a stand-in provider.</summary>
public sealed class WebhookPipelineTests
{
    private sealed class StubProvider(WebhookVerdict verdict, bool configured = true) : IWebhookProvider
    {
        public string Name => "stub";

        public bool IsConfigured => configured;

        public Task<WebhookVerdict> ReadAsync(WebhookRequest request, CancellationToken ct) => Task.FromResult(verdict);
    }

    private static DefaultHttpContext Request(Action<IServiceCollection> database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<WebhookOptions>();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<BounceRulesService>();
        // As in the app outside a circuit: nobody is signed in; the source or webhook acts as its own system identity.
        services.AddSingleton<BounceAdmin.Identity.ICurrentUser>(BounceAdmin.Identity.FixedCurrentUser.Anonymous);
        services.AddScoped<WebhookApplier>();
        database(services);
        var http = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        http.Request.Body = new MemoryStream("[]"u8.ToArray());
        return http;
    }

    private static BounceInput Input() => new("ann@example.com", "userunknown", "stub:1:ann@example.com", DateTime.UtcNow, "webhook:stub");

    [Fact]
    public async Task ADatabaseFailureIsA500AndUndoesTheReplayGuard()
    {
        // A database file in a folder that does not exist: opening it fails like a database that is down.
        var http = Request(s => s.AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "x.db")};Mode=ReadWrite")));
        var undone = false;
        var provider = new StubProvider(WebhookVerdict.Apply([Input()], 0) with { Undo = () => undone = true });

        var result = await WebhookEndpoints.HandleAsync(http, provider);

        Assert.Equal(StatusCodes.Status500InternalServerError, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        Assert.True(undone);
    }

    [Fact]
    public async Task AnUnconfiguredProviderIsNotFoundBeforeItsBodyIsRead()
    {
        using var db = new TestInfrastructure.SqliteTestDatabase();
        var http = Request(s => s.AddSingleton(db.Factory));
        var provider = new StubProvider(WebhookVerdict.Apply([Input()], 0), configured: false);

        var result = await WebhookEndpoints.HandleAsync(http, provider);

        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        Assert.Equal(0, http.Request.Body.Position);
        using var context = db.NewContext();
        Assert.Empty(context.BounceEvents);
    }

    [Fact]
    public async Task AnAcceptedRequestAnswersWithTheSummary()
    {
        using var db = new TestInfrastructure.SqliteTestDatabase();
        var http = Request(s => s.AddSingleton(db.Factory));

        var result = await WebhookEndpoints.HandleAsync(http, new StubProvider(WebhookVerdict.Apply([Input()], 2)));

        var summary = Assert.IsType<JsonHttpResult<WebhookSummary>>(result).Value!;
        Assert.Equal((0, 1, 2), (summary.Applied, summary.Unmatched, summary.Ignored));
    }
}
