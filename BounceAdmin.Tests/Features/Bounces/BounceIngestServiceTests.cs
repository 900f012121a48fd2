using System.Text;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>Ingestion: classify, apply in one transaction per message, quarantine what fails, never apply twice.</summary>
public sealed class BounceIngestServiceTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private BounceIngestService Service(string role = Roles.Admin)
        => new(_db.Factory, new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), FixedCurrentUser.For("admin@test", role), _clock,
            NullLogger<BounceIngestService>.Instance);

    private static RawMessage Dsn(string recipient, string status = "5.1.1", string diagnostic = "smtp; 550 5.1.1 User unknown", string id = "1")
        => new($"dsn-{id}.eml", TestBounces.Dsn(recipient, status, diagnostic, id));

    [Fact]
    public async Task IngestingTheSameMessagesAgainAppliesNothingNew()
    {
        var person = _db.NewContext().AddPerson("known@receiver.example");
        RawMessage[] messages = [Dsn("known@receiver.example", id: "a"), Dsn("stranger@receiver.example", id: "b")];

        var first = await Service().IngestAsync(messages, "test");
        var second = await Service().IngestAsync(messages, "test");

        Assert.Equal((2, 2, 1, 0, 1, 0), (first.Messages, first.Bounces, first.Applied, first.Duplicates, first.Unmatched, first.Errors));
        Assert.Equal((2, 2, 0, 2, 0), (second.Messages, second.Bounces, second.Applied, second.Duplicates, second.Unmatched));
        using var db = _db.NewContext();
        Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        Assert.Equal(2, db.BounceEvents.Count());
        Assert.Equal(BounceOutcome.Unmatched, db.BounceEvents.Single(b => b.Recipient == "stranger@receiver.example").Outcome);
    }

    [Fact]
    public async Task AnUnreadableMessageIsQuarantinedWithItsErrorAndTheOthersGoThrough()
    {
        _db.NewContext().AddPerson("known@receiver.example");
        RawMessage[] messages = [new("empty.eml", []), Dsn("known@receiver.example")];

        var summary = await Service().IngestAsync(messages, "test");

        Assert.Equal(1, summary.Errors);
        Assert.Equal(1, summary.Applied);
        using var db = _db.NewContext();
        var q = Assert.Single(db.Quarantine);
        Assert.Equal("empty.eml", q.FileName);
        Assert.False(string.IsNullOrWhiteSpace(q.Error));

        // Ingesting the same files again keeps one quarantined copy, and still reports the error.
        var again = await Service().IngestAsync(messages, "test");
        Assert.Equal(1, again.Errors);
        Assert.Single(db.Quarantine.AsNoTracking());
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task OnlyAnAdminMayIngest(string role)
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(role).IngestAsync([Dsn("x@receiver.example")], "test"));
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(role).RematchAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => Service(role).QuarantineFileAsync("x.zip", [1, 2], "test", "broken"));
        using var db = _db.NewContext();
        Assert.Empty(db.Quarantine);
    }

    [Fact]
    public async Task AnUnreadableFileIsKeptInTheQuarantineOnceWithItsError()
    {
        var first = await Service().QuarantineFileAsync("big.zip", null, "dropfolder", "too large");
        var again = await Service().QuarantineFileAsync("big.zip", null, "dropfolder", "too large");

        Assert.Equal((1, 1), (first.Messages, first.Errors));
        Assert.Equal(1, again.Errors);
        using var db = _db.NewContext();
        var kept = Assert.Single(db.Quarantine);
        Assert.Equal(("big.zip", "dropfolder", "The file could not be read as messages: too large"), (kept.FileName, kept.Source, kept.Error));
        Assert.Null(kept.Content);
    }

    [Fact]
    public void AnMboxIsSplitIntoItsMessagesAndAZipIntoItsEntries()
    {
        var one = Encoding.UTF8.GetString(Dsn("a@receiver.example", id: "1").Content);
        var two = Encoding.UTF8.GetString(Dsn("b@receiver.example", id: "2").Content);
        var mbox = Encoding.UTF8.GetBytes($"From MAILER-DAEMON Fri Nov 20 10:00:00 2026\r\n{one}\r\nFrom MAILER-DAEMON Fri Nov 20 10:01:00 2026\r\n{two}\r\n");

        var fromMbox = MessageSources.FromStream("bounces.mbox", new MemoryStream(mbox)).ToList();
        Assert.Equal(2, fromMbox.Count);

        using var zipBytes = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(zipBytes, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in new[] { ("x/1.eml", one), ("x/2.eml", two), ("x/all.mbox", Encoding.UTF8.GetString(mbox)) })
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open());
                w.Write(content);
            }
        }

        var fromZip = MessageSources.FromStream("upload.zip", new MemoryStream(zipBytes.ToArray())).ToList();
        Assert.Equal(4, fromZip.Count);
        Assert.StartsWith("upload.zip!x/1.eml", fromZip[0].Name);
    }
}
