using BounceAdmin.Features.Admin;
using BounceAdmin.Features.Api;
using BounceAdmin.Features.BounceHealth;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Webhooks;
using BounceAdmin.Features.Engagement;
using BounceAdmin.Features.Health;
using BounceAdmin.Features.Import;
using BounceAdmin.Features.People;
using BounceAdmin.Features.Reports;

namespace BounceAdmin.Features;

/// <summary>Each feature registers its own services and endpoints; this only lists the features.</summary>
public static class FeatureRegistration
{
    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddPeople();
        services.AddBounces();
        services.AddReports();
        services.AddBounceHealth();
        services.AddAdmin();
        services.AddApi();
        services.AddEngagement();
        services.AddImport();
        services.AddScoped<BounceAdmin.Features.DemoData.DemoDataSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapFeatures(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealth();
        endpoints.MapWebhooks();
        endpoints.MapApi();
        endpoints.MapEngagement();
        return endpoints;
    }
}
