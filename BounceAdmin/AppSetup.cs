using BounceAdmin.Components;
using BounceAdmin.Components.Account;
using BounceAdmin.Data;
using BounceAdmin.Features;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

namespace BounceAdmin;

/// <summary>Wires the app: data, identity, MudBlazor and every feature. Program.cs stays two lines long.</summary>
public static class AppSetup
{
    public const string DefaultConnectionString = "Data Source=bounceadmin.db";

    /// <summary>Builds, prepares and runs the web app until it is stopped.</summary>
    public static async Task<int> RunWebAppAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBounceAdmin();

        var app = builder.Build();
        try
        {
            await app.PrepareDatabaseAsync();
        }
        catch (DemoAccountsException ex)
        {
            // A refusal to start, not a crash: say why on stderr and in the log, and exit non-zero.
            app.Logger.LogCritical("{Message}", ex.Message);
            await Console.Error.WriteLineAsync(ex.Message);
            await app.DisposeAsync();
            return 1;
        }

        app.MapBounceAdmin();
        await app.RunAsync();
        return 0;
    }

    public static WebApplicationBuilder AddBounceAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHttpContextAccessor();

        services.AddBounceAdminData(builder.Configuration);
        services.AddBounceAdminIdentity();
        services.AddBounceAdminTransportSecurity(builder.Configuration, builder.Environment);

        // The interactive side of identity: only the web app has circuits and navigation.
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<ICurrentUser, CircuitCurrentUser>();
        services.AddScoped<UserPreferencesService>();
        services.AddFeatures();
        return builder;
    }

    /// <summary>The database and the services that need no web host (shared with the command line).</summary>
    public static IServiceCollection AddBounceAdminData(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Default") ?? DefaultConnectionString;
        // synchronous=NORMAL on every connection (safe in WAL mode, set at start-up): commits skip the fsync.
        var pragmas = new SqliteSynchronousNormalInterceptor();
        services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(connectionString, sql => sql.CommandTimeout(120)).AddInterceptors(pragmas));
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Identity's stores, roles and cookies (shared with the command line).</summary>
    public static IServiceCollection AddBounceAdminIdentity(this IServiceCollection services)
    {

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Stamps the cookie's expiry on the principal, so an open circuit ends when its cookie would have expired.
            SessionExpiry.AddTo(o);
        });
        services.AddAuthorization();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                PasswordPolicy.Apply(options.Password);
                options.SignIn.RequireConfirmedAccount = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>();
        services.AddScoped<IdentitySeeder>();
        return services;
    }

    /// <summary>Migrates the database, creates the roles and, in Development, the demo users and demo data.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            // WAL lets readers and the writer work at once and makes synchronous=NORMAL safe; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
        }

        var seeder = scope.ServiceProvider.GetRequiredService<IdentitySeeder>();
        await seeder.EnsureRolesAsync();
        if (app.Environment.IsDevelopment())
        {
            await seeder.EnsureDemoUsersAsync();
            if (!app.Configuration.GetValue("BounceAdmin:SkipDemoData", false))
            {
                // Start-up has no signed-in user: the seeder acts as its own system identity (DemoDataSeeder.DemoIdentity).
                await scope.ServiceProvider.GetRequiredService<BounceAdmin.Features.DemoData.DemoDataSeeder>().SeedIfEmptyAsync();
            }
        }
        else
        {
            // Demo accounts and demo webhook secrets never reach a deployment (README "Security").
            await DemoAccounts.EnforceOutsideDevelopmentAsync(app.Services, app.Configuration, app.Logger);
        }
    }

    public static WebApplication MapBounceAdmin(this WebApplication app)
    {
        // First: the client's address and scheme as the TLS proxy saw them (only from known proxies).
        app.UseForwardedHeaders();
        app.UseSecurityHeaders(o =>
        {
            if (app.Environment.IsDevelopment())
            {
                // The Development-only API reference page bundles inline scripts and styles.
                o.ForPath("/scalar", SecurityHeaders.ApiReferencePolicy);
                o.DefaultPolicy = SecurityHeaders.DevelopmentPolicy;
            }
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        else
        {
            app.UseDemoWebhookSecretsFromLoopbackOnly(app.Configuration);
        }

        app.UseCookiePolicy();
        // Explicitly here, after the forwarded headers and the cookie policy (left implicit, ASP.NET Core would put
        // authentication at the very start of the pipeline, before the proxy's scheme and address are applied).
        app.UseAuthentication();
        app.UseAuthorization();

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.UseApi(); // /api/v1: problem-details errors, per-key rate limiting (Features/Api/ApiV1.cs)

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        app.MapFeatures();
        return app;
    }
}
