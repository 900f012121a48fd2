namespace BounceAdmin.Features.People;

public static class PeopleRegistration
{
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddScoped<PersonAdminService>();
        services.AddMemoryCache(); // the people grid's short-lived counts of broad filters
        services.AddScoped<PeopleService>();
        return services;
    }
}
