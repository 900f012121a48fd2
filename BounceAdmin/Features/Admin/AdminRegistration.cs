using Microsoft.AspNetCore.Identity;

namespace BounceAdmin.Features.Admin;

public static class AdminRegistration
{
    /// <summary>The Admin workspace: users and roles, the audit log, bulk reset of Email Invalid.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddScoped<UserAdminService>();
        services.AddScoped<AuditLogService>();
        services.AddScoped<BulkResetService>();

        // The cookie's security stamp is checked on every request (default: every 30 minutes). Logging out, locking a user,
        // changing their role or resetting their password all update the stamp, and an admin app must make that take
        // effect at once: a stolen or replayed cookie stops working immediately, not up to half an hour later. The
        // price is one user lookup per request, negligible for an app with a handful of staff users.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        return services;
    }
}
