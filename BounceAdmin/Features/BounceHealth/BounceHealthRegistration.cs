namespace BounceAdmin.Features.BounceHealth;

public static class BounceHealthRegistration
{
    public static IServiceCollection AddBounceHealth(this IServiceCollection services)
    {
        services.AddScoped<BounceHealthService>();
        return services;
    }
}
