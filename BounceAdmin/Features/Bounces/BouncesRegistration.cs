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
        // Bound where there is a configuration (the app); component tests without one get the defaults (policy apply).
        services.AddOptions<BounceTrustOptions>();
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<BounceTrustOptions>>(sp =>
            new Microsoft.Extensions.Options.ConfigureNamedOptions<BounceTrustOptions>(Microsoft.Extensions.Options.Options.DefaultName,
                o => sp.GetService<IConfiguration>()?.GetSection(BounceTrustOptions.Section).Bind(o)));
        services.AddScoped<Ingestion.BounceIngestService>();
        services.AddScoped<Ingestion.QuarantineService>();
        services.AddWebhooks();
        services.AddBounceSources();
        return services;
    }
}
