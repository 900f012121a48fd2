namespace BounceAdmin.Features.Engagement;

public static class EngagementRegistration
{
    /// <summary>The sends and engagement services (issue 12 point 2).</summary>
    public static IServiceCollection AddEngagement(this IServiceCollection services)
    {
        services.AddScoped<SendsService>();
        services.AddScoped<EngagementService>();
        return services;
    }
}
