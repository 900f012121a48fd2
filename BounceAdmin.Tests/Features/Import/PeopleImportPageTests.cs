using BounceAdmin.Features.Import;
using BounceAdmin.Features.People;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using MudBlazor.Extensions;

namespace BounceAdmin.Tests.Features.Import;

/// <summary>The import page: upload, mapping, preview, confirmation, the import and its result; the limits and roles.</summary>
public sealed class PeopleImportPageTests : BunitTestBase
{
    private const string Csv = "Email;First Name;Lead Score\nada@example.com;Ada;3\nnot-an-address;Bad;1\n";

    [Fact]
    public void AnAdminUploadsPreviewsConfirmsAndImports()
    {
        SignInAs(Roles.Admin);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var cut = Ctx.Render<PeopleImportPage>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv, "people.csv"));

        cut.WaitForAssertion(() => Assert.Contains("separator ';'", cut.Find("[data-testid=import-file]").TextContent));
        Assert.Contains("Lead Score", cut.Find("[data-testid=import-mapping]").TextContent);
        Assert.Equal([ImportField.Email, ImportField.FirstName, ImportField.Ignore],
            cut.FindComponents<MudSelect<ImportField>>().Select(s => s.Instance.GetState(x => x.Value)));

        cut.Find("button[data-testid=import-preview]").Click();
        cut.WaitForAssertion(() => Assert.Contains("1 rejected", cut.Find("[data-testid=import-counts]").TextContent));
        Assert.Contains("1 new", cut.Find("[data-testid=import-counts]").TextContent);
        Assert.Contains("not a valid email address", cut.Find("[data-testid=import-issues]").TextContent);
        Assert.Contains("ada@example.com", cut.Find("[data-testid=import-first-rows]").TextContent);
        using (var db = Db.NewContext())
        {
            Assert.Empty(db.People); // the preview wrote nothing
        }

        cut.Find("button[data-testid=import-run]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Import 1 rows of people.csv", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Import").Click();

        cut.WaitForAssertion(() => Assert.Contains("Imported 2 rows: 1 new", cut.Find("[data-testid=import-done]").TextContent));
        Assert.NotEmpty(cut.FindAll("a[href='people'][data-testid=import-see-people]"));
        Assert.NotEmpty(cut.FindAll("button[data-testid=import-download-rejected]"));
        cut.WaitForAssertion(() => Assert.Contains("people.csv", cut.Find("[data-testid=import-batches]").TextContent));
        using var check = Db.NewContext();
        var person = Assert.Single(check.People);
        Assert.Equal(("ada@example.com", "Ada"), (person.Email, person.FirstName));
        Assert.NotNull(person.ImportBatchId);
    }

    [Fact]
    public void AFileOverTheLimitIsRefusedBeforeItIsRead()
    {
        SignInAs(Roles.Admin);
        var cut = Ctx.Render<PeopleImportPage>();
        var upload = cut.FindComponent<MudFileUpload<IBrowserFile>>();
        var huge = new HugeFile();

        cut.InvokeAsync(() => upload.Instance.FilesChanged.InvokeAsync(huge));

        cut.WaitForAssertion(() => Assert.Contains("the page takes files up to 512 MB", cut.Find("[data-testid=import-error]").TextContent));
        Assert.Contains("import people FILE", cut.Find("[data-testid=import-error]").TextContent);
        Assert.False(huge.Opened);
        Assert.Empty(cut.FindAll("[data-testid=import-mapping]"));
    }

    [Fact]
    public void AFileThatIsNotATableGetsAClearErrorAndNoMapping()
    {
        SignInAs(Roles.Admin);
        var cut = Ctx.Render<PeopleImportPage>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([0x00, 0x01, 0x02, 0x00], "people.csv"));

        cut.WaitForAssertion(() => Assert.Contains("people.csv cannot be imported", cut.Find("[data-testid=import-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=import-mapping]"));
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public void ANonAdminWhoReachesThePageIsRefusedByTheService(string role)
    {
        SignInAs(role);
        var cut = Ctx.Render<PeopleImportPage>();

        cut.WaitForAssertion(() => Assert.Contains("This needs the role Admin", cut.Find("[data-testid=import-error]").TextContent));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv, "people.csv"));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=import-mapping]")));
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Manager, false)]
    [InlineData(Roles.Marketer, false)]
    public void ThePeoplePageLinksToTheImportForAdminsOnly(string role, bool shown)
    {
        SignInAs(role);
        var cut = Ctx.Render<PeoplePage>();

        Assert.Equal(shown, cut.FindAll("[data-testid=people-import-link]").Count == 1);
    }

    /// <summary>A 2 GB upload: its size is known before anything is read.</summary>
    private sealed class HugeFile : IBrowserFile
    {
        public bool Opened { get; private set; }
        public string Name => "everyone.csv";
        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;
        public long Size => 2L * 1024 * 1024 * 1024;
        public string ContentType => "text/csv";

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default)
        {
            Opened = true;
            throw new IOException("A 2 GB stream should never be opened.");
        }
    }
}
