using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>The Admin's upload on the Bounces page: files in, the ingest summary out, with links to what was kept.</summary>
public sealed class BounceUploadPanelTests : BunitTestBase
{
    private static readonly byte[] Dsn = TestBounces.Dsn("known@receiver.example");

    [Fact]
    public void AnUploadedMessageIsIngestedAndTheSummaryLinksToQuarantineAndUnmatched()
    {
        SignInAs(Roles.Admin);
        var person = Db.NewContext().AddPerson("known@receiver.example");
        var cut = Ctx.Render<BounceUploadPanel>();

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(Dsn, "bounce.eml"),
            InputFileContent.CreateFromText("", "broken.eml"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=upload-summary]")));
        var cells = cut.FindAll("[data-testid=upload-summary] tbody td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["2", "1", "1", "0", "0", "0", "1"], cells);
        Assert.NotEmpty(cut.FindAll("a[href='bounces/quarantine']"));
        Assert.NotEmpty(cut.FindAll("a[href='bounces?outcome=unmatched']"));
        using var db = Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        Assert.Single(db.Quarantine);
    }

    [Fact]
    public void ADamagedZipGoesToTheQuarantineAndTheOtherFilesOfTheUploadStillGoIn()
    {
        SignInAs(Roles.Admin);
        var person = Db.NewContext().AddPerson("known@receiver.example");
        var cut = Ctx.Render<BounceUploadPanel>();

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("PK this is not really a zip", "damaged.zip"),
            InputFileContent.CreateFromBinary(Dsn, "bounce.eml"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=upload-summary]")));
        var cells = cut.FindAll("[data-testid=upload-summary] tbody td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["2", "1", "1", "0", "0", "0", "1"], cells);
        Assert.Contains("damaged.zip", cut.Find("[data-testid=upload-unreadable]").TextContent);
        Assert.Empty(cut.FindAll(".mud-alert-filled-error, .mud-alert-text-error"));
        using var db = Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        var kept = Assert.Single(db.Quarantine);
        Assert.Equal(("damaged.zip", "upload"), (kept.FileName, kept.Source));
        Assert.StartsWith("The file could not be read as messages", kept.Error);
    }

    [Fact]
    public void AManagerWhoReachesThePanelIsRefusedByTheService()
    {
        SignInAs(Roles.Manager);
        Db.NewContext().AddPerson("known@receiver.example");
        var cut = Ctx.Render<BounceUploadPanel>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Dsn, "bounce.eml"));

        cut.WaitForAssertion(() => Assert.Contains("Admin", cut.Find(".mud-alert").TextContent));
        using var db = Db.NewContext();
        Assert.Empty(db.BounceEvents);
    }
}
