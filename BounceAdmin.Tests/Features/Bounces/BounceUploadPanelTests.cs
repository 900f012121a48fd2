using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>The Admin's upload on the Bounces page: files in, the ingest summary out, with links to what was kept.</summary>
public sealed class BounceUploadPanelTests : BunitTestBase
{
    private const string Dsn = """
        From: MAILER-DAEMON@mx.sender.example
        To: bounces@sender.example
        Subject: Undelivered Mail Returned to Sender
        Date: Fri, 20 Nov 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Your message could not be delivered.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.sender.example

        Final-Recipient: rfc822; known@receiver.example
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 User unknown

        --B--
        """;

    [Fact]
    public void AnUploadedMessageIsIngestedAndTheSummaryLinksToQuarantineAndUnmatched()
    {
        SignInAs(Roles.Admin);
        var person = Db.NewContext().AddPerson("known@receiver.example");
        var cut = Ctx.Render<BounceUploadPanel>();

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText(Dsn.Replace("\n", "\r\n"), "bounce.eml"),
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
    public void AManagerWhoReachesThePanelIsRefusedByTheService()
    {
        SignInAs(Roles.Manager);
        Db.NewContext().AddPerson("known@receiver.example");
        var cut = Ctx.Render<BounceUploadPanel>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Dsn, "bounce.eml"));

        cut.WaitForAssertion(() => Assert.Contains("Admin", cut.Find(".mud-alert").TextContent));
        using var db = Db.NewContext();
        Assert.Empty(db.BounceEvents);
    }
}
