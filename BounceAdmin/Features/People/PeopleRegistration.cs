namespace BounceAdmin.Features.People;

public static class PeopleRegistration
{
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddScoped<PersonAdminService>();
        services.AddScoped<PeopleService>();
        return services;
    }
}
