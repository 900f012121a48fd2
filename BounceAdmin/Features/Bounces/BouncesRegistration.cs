using BounceAdmin.Features.Bounces.Sources;
using BounceAdmin.Features.Bounces.Webhooks;

namespace BounceAdmin.Features.Bounces;

public static class BouncesRegistration
{
    public static IServiceCollection AddBounces(this IServiceCollection services)
    {
        services.AddScoped<BounceRulesService>();
        services.AddScoped<BounceQueryService>();
        services.AddScoped<HeldBounceService>();
        services.AddOptions<BounceTrustOptions>().BindConfiguration(BounceTrustOptions.Section);
        services.AddScoped<Ingestion.BounceIngestService>();
        services.AddScoped<Ingestion.QuarantineService>();
        services.AddWebhooks();
        services.AddBounceSources();
        return services;
    }
}
