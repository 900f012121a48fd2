using BounceAdmin.Features;
using BounceAdmin.Features.Bounces.Sources;
using BounceAdmin.Features.Bounces.Sources.DropFolder;
using BounceAdmin.Features.Bounces.Sources.Imap;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>How the sources are wired: configuration keys, registration, back-off, and who may read their status.</summary>
public sealed class BounceSourcesSetupTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, ICurrentUser? user = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddFeatures();
        services.AddScoped(_ => user ?? FixedCurrentUser.For("admin@test", Roles.Admin));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void TheDocumentedConfigurationKeysBind()
    {
        using var provider = Build(new()
        {
            ["BounceSources:DropFolder:Path"] = "/var/spool/bounces",
            ["BounceSources:DropFolder:PollInterval"] = "00:00:10",
            ["BounceSources:DropFolder:SettleTime"] = "00:00:02",
            ["BounceSources:Imap:Host"] = "imap.example.com",
            ["BounceSources:Imap:Security"] = "StartTls",
            ["BounceSources:Imap:Username"] = "bounces@example.com",
            ["BounceSources:Imap:Password"] = "x",
            ["BounceSources:Imap:ProcessedFolder"] = "Processed",
        });

        var drop = provider.GetRequiredService<IOptions<DropFolderOptions>>().Value;
        var imap = provider.GetRequiredService<IOptions<ImapOptions>>().Value;

        Assert.Equal(("/var/spool/bounces", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (drop.Path, drop.PollInterval, drop.SettleTime));
        Assert.Equal(("imap.example.com", ImapSecurity.StartTls, 143, "INBOX", "Processed"),
            (imap.Host, imap.Security, imap.EffectivePort, imap.Folder, imap.ProcessedFolder));
    }

    [Fact]
    public void BothSourcesAreHostedServicesAndOffWithoutConfiguration()
    {
        using var provider = Build([]);

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Single(hosted.OfType<DropFolderService>());
        Assert.Single(hosted.OfType<ImapBounceService>());
        Assert.Null(provider.GetRequiredService<IOptions<DropFolderOptions>>().Value.Path);
        Assert.Null(provider.GetRequiredService<IOptions<ImapOptions>>().Value.Host);
        Assert.Equal(993, provider.GetRequiredService<IOptions<ImapOptions>>().Value.EffectivePort);
    }

    [Fact]
    public void AZeroPollIntervalIsRefused()
    {
        using var provider = Build(new()
        {
            ["BounceSources:DropFolder:PollInterval"] = "00:00:00",
            ["BounceSources:Imap:PollInterval"] = "00:00:00",
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DropFolderOptions>>().Value);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ImapOptions>>().Value);
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(4, 480)]
    [InlineData(5, 900)]   // capped at 15 minutes
    [InlineData(40, 900)]
    public void FailedPollsBackOffUpToFifteenMinutes(int failures, int expectedSeconds)
        => Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), PollingBounceSource.NextDelay(TimeSpan.FromSeconds(30), failures));

    [Fact]
    public void AnIntervalLongerThanTheCapIsNeverShortenedByTheBackOff()
        => Assert.Equal(TimeSpan.FromHours(1), PollingBounceSource.NextDelay(TimeSpan.FromHours(1), 3));

    [Fact]
    public void APageThatFailsOnAStatusChangeDoesNotReachTheSource()
    {
        var board = new BounceSourceStatusBoard();
        var calls = 0;
        board.Changed += () => throw new ObjectDisposedException("a closed page");
        board.Changed += () => calls++;

        board.Start("dropfolder", "Drop folder", true, "/drop", "files");
        board.RecordFailure("dropfolder", DateTime.UtcNow, "The drop folder /drop does not exist.");

        Assert.Equal(2, calls);
        Assert.Equal(1, board.Get("dropfolder")!.ConsecutiveFailures);
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task OnlyAnAdminMayReadTheSourcesStatus(string role)
    {
        using var provider = Build([], FixedCurrentUser.For("someone@test", role));
        provider.GetRequiredService<BounceSourceStatusBoard>().Start("dropfolder", "Drop folder", true, "/secret/path", "files");
        using var scope = provider.CreateScope();

        await Assert.ThrowsAsync<ForbiddenException>(() => scope.ServiceProvider.GetRequiredService<BounceSourceStatusService>().ListAsync());
    }

    [Fact]
    public async Task AnAdminReadsEveryStartedSource()
    {
        using var provider = Build([]);
        var board = provider.GetRequiredService<BounceSourceStatusBoard>();
        board.Start("imap", "IMAP mailbox", false, null, "messages");
        board.Start("dropfolder", "Drop folder", true, "/drop", "files");
        using var scope = provider.CreateScope();

        var all = await scope.ServiceProvider.GetRequiredService<BounceSourceStatusService>().ListAsync();

        Assert.Equal(["dropfolder", "imap"], all.Select(s => s.Source));
    }
}
