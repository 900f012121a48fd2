namespace BounceAdmin.Features.Import;

public static class ImportRegistration
{
    /// <summary>People import (issue 12): the service behind /people/import, <c>import people</c> and the bench.</summary>
    public static IServiceCollection AddImport(this IServiceCollection services)
    {
        services.AddScoped<PeopleImportService>();
        return services;
    }
}
