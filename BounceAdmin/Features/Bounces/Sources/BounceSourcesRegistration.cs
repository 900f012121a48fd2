using BounceAdmin.Features.Bounces.Sources.DropFolder;
using BounceAdmin.Features.Bounces.Sources.Imap;

namespace BounceAdmin.Features.Bounces.Sources;

public static class BounceSourcesRegistration
{
    /// <summary>
    /// The drop folder and IMAP sources (hosted services, each off until configured) and their status. The command
    /// line builds a host without starting it, so they only ever run in the web app.
    /// </summary>
    public static IServiceCollection AddBounceSources(this IServiceCollection services)
    {
        services.AddSingleton<BounceSourceStatusBoard>();
        services.AddScoped<BounceSourceStatusService>();
        services.AddOptions<DropFolderOptions>().BindConfiguration(DropFolderOptions.Section);
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section);
        services.AddHostedService<DropFolderService>();
        services.AddHostedService<ImapBounceService>();
        return services;
    }
}
