using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Features.Bounces.Sources;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>The status panel on the Bounces page: one line per source, live, with times in UTC and errors shown.</summary>
public sealed class BounceSourcesPanelTests : BunitTestBase
{
    private BounceSourceStatusBoard Board => Ctx.Services.GetRequiredService<BounceSourceStatusBoard>();

    [Fact]
    public void WithNoSourceStartedItSaysHowToConfigureOne()
    {
        SignInAs(Roles.Admin);

        var cut = Ctx.Render<BounceSourcesPanel>();

        Assert.Contains("BounceSources:DropFolder:Path", cut.Find("[data-testid=sources-empty]").TextContent);
        Assert.NotNull(cut.Find("button[aria-label='Refresh the status of the automatic sources']"));
    }

    [Fact]
    public void EachSourceShowsItsLastRunCountsAndErrorAndUpdatesWhileOpen()
    {
        SignInAs(Roles.Admin);
        var at = new DateTime(2026, 11, 28, 9, 30, 0, DateTimeKind.Utc);
        Board.Start("dropfolder", "Drop folder", true, "/srv/bounces", "files");
        Board.Start("imap", "IMAP mailbox", false, null, "messages");
        Board.RecordRun("dropfolder", at, 2, 0, new IngestSummary { Messages = 3, Applied = 2, Errors = 1 }, null);

        var cut = Ctx.Render<BounceSourcesPanel>();

        var drop = cut.Find("[data-testid=source-dropfolder]").TextContent;
        Assert.Contains("/srv/bounces", drop);
        Assert.Contains("2026-11-28 09:30 UTC", drop);
        Assert.Contains("2 files, 3 messages, 2 applied", drop);
        Assert.Contains("1 quarantined", drop);
        Assert.Contains("off (not configured)", cut.Find("[data-testid=source-imap]").TextContent);

        // One mailbox message is one bounce message: the IMAP line counts messages once.
        Board.Start("imap", "IMAP mailbox", true, "imap.example.com:993, folder INBOX", "messages");
        Board.RecordRun("imap", at, 4, 0, new IngestSummary { Messages = 4, Applied = 3 }, null);
        cut.WaitForAssertion(() => Assert.Contains("4 messages, 3 applied", cut.Find("[data-testid=source-imap]").TextContent));
        Assert.DoesNotContain("4 messages, 4 messages", cut.Find("[data-testid=source-imap]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=source-error]"));

        // A failure reported from the background shows up without a reload.
        Board.RecordFailure("dropfolder", at.AddMinutes(1), "The drop folder /srv/bounces does not exist.");

        cut.WaitForAssertion(() => Assert.Contains("does not exist", cut.Find("[data-testid=source-error]").TextContent));
        Assert.Contains("1 failed poll in a row", cut.Find("[data-testid=source-error]").TextContent);
    }

    [Fact]
    public void AManagerWhoReachesThePanelSeesTheRefusalNotTheStatus()
    {
        SignInAs(Roles.Manager);
        Board.Start("dropfolder", "Drop folder", true, "/srv/bounces", "files");

        var cut = Ctx.Render<BounceSourcesPanel>();

        Assert.DoesNotContain("/srv/bounces", cut.Markup);
        Assert.Contains("Admin", cut.Find(".mud-alert").TextContent);
    }
}
