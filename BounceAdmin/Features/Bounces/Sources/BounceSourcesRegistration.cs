using BounceAdmin.Features.Bounces.Sources.DropFolder;
using BounceAdmin.Features.Bounces.Sources.Imap;

namespace BounceAdmin.Features.Bounces.Sources;

public static class BounceSourcesRegistration
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The drop folder and IMAP sources (hosted services, each off until configured) and their status. The command
    /// line builds a host without starting it, so they only ever run in the web app.
    /// </summary>
    public static IServiceCollection AddBounceSources(this IServiceCollection services)
    {
        services.AddSingleton<BounceSourceStatusBoard>();
        services.AddScoped<BounceSourceStatusService>();
        // A zero interval would poll in a tight loop: refuse it at start-up rather than at the first poll.
        services.AddOptions<DropFolderOptions>().BindConfiguration(DropFolderOptions.Section)
            .Validate(o => o.PollInterval >= MinPollInterval, $"{DropFolderOptions.Section}:PollInterval must be at least 1 second.")
            .ValidateOnStart();
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section)
            .Validate(o => o.PollInterval >= MinPollInterval, $"{ImapOptions.Section}:PollInterval must be at least 1 second.")
            .Validate(o => o.MaxMessagesPerPoll > 0 && o.Timeout > TimeSpan.Zero, $"{ImapOptions.Section}:MaxMessagesPerPoll and Timeout must be positive.")
            .ValidateOnStart();
        services.AddHostedService<DropFolderService>();
        services.AddHostedService<ImapBounceService>();
        return services;
    }
}
