namespace BounceAdmin.Features.Reports;

public static class ReportsRegistration
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddScoped<EmailPerformanceService>();
        return services;
    }
}
