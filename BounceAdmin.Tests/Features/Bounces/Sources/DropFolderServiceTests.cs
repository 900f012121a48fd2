using BounceAdmin.Data;
using BounceAdmin.Features.Bounces.Sources.DropFolder;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using static BounceAdmin.Tests.Features.Bounces.Sources.SourceTestMessages;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>The drop folder: files in, messages ingested, files moved aside only after their messages are committed.</summary>
public sealed class DropFolderServiceTests : IDisposable
{
    private readonly SourceTestHost _host = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("bounceadmin-drop-").FullName;

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private DropFolderService Service() => _host.DropFolder(new DropFolderOptions { Path = _folder });

    /// <summary>Writes a file as a finished drop: its last write a minute ago, well past the settle time.</summary>
    private string Drop(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, _host.Clock.UtcNow.AddMinutes(-1));
        return path;
    }

    private string[] FilesIn(string subfolder = "")
    {
        var folder = Path.Combine(_folder, subfolder);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];
    }

    [Fact]
    public async Task ADroppedEmlIsIngestedAndMovedToProcessed()
    {
        var person = _host.Db.NewContext().AddPerson("known@receiver.example");
        var content = Dsn("known@receiver.example", "1");
        Drop("bounce.eml", content);

        var run = await Service().RunOnceAsync();

        Assert.True(run.Succeeded);
        Assert.Equal((1, 1, 1, 0), (run.Items, run.Summary.Messages, run.Summary.Applied, run.Summary.Errors));
        Assert.Empty(FilesIn());
        var processed = Assert.Single(FilesIn(DropFolderFiles.ProcessedFolder));
        Assert.EndsWith("-bounce.eml", processed);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_folder, DropFolderFiles.ProcessedFolder, processed)));

        using var db = _host.Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        Assert.Equal("dropfolder", db.BounceEvents.Single().Source);
        Assert.All(db.AuditEntries.Where(a => a.PersonId == person.Id), a => Assert.Contains("from dropfolder", a.Reason));
        Assert.NotEmpty(db.AuditEntries);

        var status = _host.Board.Get("dropfolder")!;
        Assert.Equal((true, 1, 1, 1, null), (status.Enabled, status.Items, status.Messages, status.Applied, status.LastError));
        Assert.NotNull(status.LastRunAt);
    }

    [Fact]
    public async Task AZipWithTwoMessagesIsIngestedAsOneFile()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        _host.Db.NewContext().AddPerson("b@receiver.example");
        Drop("batch.zip", Zip(("one.eml", Dsn("a@receiver.example", "1")), ("two.eml", Dsn("b@receiver.example", "2"))));

        var run = await Service().RunOnceAsync();

        Assert.Equal((1, 2, 2), (run.Items, run.Summary.Messages, run.Summary.Applied));
        Assert.EndsWith("-batch.zip", Assert.Single(FilesIn(DropFolderFiles.ProcessedFolder)));
        using var db = _host.Db.NewContext();
        Assert.Equal(2, db.People.Count(p => p.EmailInvalid));
    }

    [Fact]
    public async Task AnUnreadableFileGoesToFailedAndToTheQuarantineAndTheOthersAreStillIngested()
    {
        _host.Db.NewContext().AddPerson("known@receiver.example");
        Drop("a-broken.zip", "this is not a zip archive"u8.ToArray());
        Drop("b-good.eml", Dsn("known@receiver.example", "1"));

        var run = await Service().RunOnceAsync();

        Assert.True(run.Succeeded);
        Assert.Equal((1, 1, 1), (run.Items, run.FailedItems, run.Summary.Applied));
        Assert.Empty(FilesIn());
        var failed = FilesIn(DropFolderFiles.FailedFolder);
        Assert.Equal(2, failed.Length);
        Assert.EndsWith("-a-broken.zip", failed[0]);
        Assert.EndsWith("-a-broken.zip.error.txt", failed[1]);
        Assert.False(string.IsNullOrWhiteSpace(File.ReadAllText(Path.Combine(_folder, DropFolderFiles.FailedFolder, failed[1]))));
        Assert.EndsWith("-b-good.eml", Assert.Single(FilesIn(DropFolderFiles.ProcessedFolder)));
        var status = _host.Board.Get("dropfolder")!;
        Assert.Contains("a-broken.zip", status.LastError);
        Assert.Equal((1, 0), (status.FailedItems, status.ConsecutiveFailures));
        using var db = _host.Db.NewContext();
        var kept = Assert.Single(db.Quarantine);
        Assert.Equal(("a-broken.zip", "dropfolder"), (kept.FileName, kept.Source));
        Assert.Equal("this is not a zip archive"u8.ToArray(), kept.Content);
        Assert.StartsWith("The file could not be read as messages", kept.Error);
        Assert.Equal(1, run.Summary.Errors);
    }

    [Fact]
    public async Task AMessageThatCannotBeClassifiedIsQuarantinedAndItsFileCountsAsProcessed()
    {
        Drop("empty.eml", []);

        var run = await Service().RunOnceAsync();

        Assert.Equal((1, 0, 1), (run.Items, run.FailedItems, run.Summary.Errors));
        Assert.Single(FilesIn(DropFolderFiles.ProcessedFolder));
        using var db = _host.Db.NewContext();
        var quarantined = Assert.Single(db.Quarantine);
        Assert.Equal(("dropfolder", "empty.eml"), (quarantined.Source, quarantined.FileName));
        Assert.Equal(1, _host.Board.Get("dropfolder")!.Quarantined);
    }

    [Fact]
    public async Task AFileStillBeingWrittenIsLeftForALaterPoll()
    {
        _host.Db.NewContext().AddPerson("known@receiver.example");
        var path = Path.Combine(_folder, "arriving.eml");
        File.WriteAllBytes(path, Dsn("known@receiver.example", "1"));   // written just now: not settled
        Drop("renamed-later.eml.tmp", Dsn("known@receiver.example", "2")); // old, but not yet renamed to .eml

        var first = await Service().RunOnceAsync();

        Assert.Equal((true, 0, 0), (first.Succeeded, first.Items, first.Summary.Messages));
        Assert.Equal(["arriving.eml", "renamed-later.eml.tmp"], FilesIn());

        _host.Clock.Advance(TimeSpan.FromSeconds(6));
        var second = await Service().RunOnceAsync();

        Assert.Equal((1, 1), (second.Items, second.Summary.Applied));
        Assert.Equal(["renamed-later.eml.tmp"], FilesIn());
    }

    [Fact]
    public async Task ARedroppedFileAppliesNothingNewAndKeepsBothCopies()
    {
        var person = _host.Db.NewContext().AddPerson("known@receiver.example");
        var content = Dsn("known@receiver.example", "1");
        Drop("bounce.eml", content);
        await Service().RunOnceAsync();

        Drop("bounce.eml", content);
        var again = await Service().RunOnceAsync();

        Assert.Equal((1, 1, 0, 1), (again.Items, again.Summary.Bounces, again.Summary.Applied, again.Summary.Duplicates));
        // Same name, same second: the second copy gets its own name instead of overwriting the first.
        Assert.Equal(2, FilesIn(DropFolderFiles.ProcessedFolder).Length);
        using var db = _host.Db.NewContext();
        Assert.Equal(1, db.BounceEvents.Count());
        Assert.Equal(1, db.AuditEntries.Count(a => a.PersonId == person.Id && a.Field == FieldLabels.EmailInvalid));
    }

    [Fact]
    public async Task ACrashBetweenCommitAndMoveLeavesTheFileAndItsReingestAppliesNothingTwice()
    {
        var person = _host.Db.NewContext().AddPerson("known@receiver.example");
        Drop("bounce.eml", Dsn("known@receiver.example", "1"));
        // A plain file where processed/ should be: the messages commit, then the move fails.
        var blocker = Path.Combine(_folder, DropFolderFiles.ProcessedFolder);
        File.WriteAllText(blocker, "in the way");

        var failed = await Service().RunOnceAsync();

        Assert.False(failed.Succeeded);
        Assert.Contains("bounce.eml", FilesIn());
        using (var db = _host.Db.NewContext())
        {
            Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        }

        Assert.Equal(1, _host.Board.Get("dropfolder")!.ConsecutiveFailures);

        File.Delete(blocker);
        var retried = await Service().RunOnceAsync();

        Assert.True(retried.Succeeded);
        Assert.Equal((1, 0, 1), (retried.Items, retried.Summary.Applied, retried.Summary.Duplicates));
        Assert.Empty(FilesIn());
        using var after = _host.Db.NewContext();
        Assert.Equal(1, after.BounceEvents.Count());
        Assert.Equal(1, after.AuditEntries.Count(a => a.PersonId == person.Id && a.Field == FieldLabels.EmailInvalid));
        Assert.Equal((0, null), (_host.Board.Get("dropfolder")!.ConsecutiveFailures, _host.Board.Get("dropfolder")!.LastError));
    }

    [Fact]
    public async Task WhenTheDatabaseFailsTheFileStaysForTheNextPoll()
    {
        _host.Db.NewContext().AddPerson("known@receiver.example");
        Drop("bounce.eml", Dsn("known@receiver.example", "1"));
        _host.Factory.Broken = true;

        var failed = await Service().RunOnceAsync();

        Assert.False(failed.Succeeded);
        Assert.Equal(["bounce.eml"], FilesIn());
        Assert.Empty(FilesIn(DropFolderFiles.FailedFolder));

        _host.Factory.Broken = false;
        var retried = await Service().RunOnceAsync();
        Assert.Equal((1, 1), (retried.Items, retried.Summary.Applied));
    }

    [Fact]
    public async Task AMissingFolderIsReportedAndNothingThrows()
    {
        var missing = Path.Combine(_folder, "not-there");
        var service = _host.DropFolder(new DropFolderOptions { Path = missing });

        var run = await service.RunOnceAsync();

        Assert.False(run.Succeeded);
        Assert.False(Directory.Exists(missing));
        var status = _host.Board.Get("dropfolder")!;
        Assert.Contains("does not exist", status.LastError);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Contains(_host.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Category.EndsWith("DropFolderService"));
    }

    [Fact]
    public async Task AnUnconfiguredDropFolderStaysOffAsAHostedService()
    {
        var service = _host.DropFolder(new DropFolderOptions());

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        await service.StopAsync(CancellationToken.None);

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        var status = _host.Board.Get("dropfolder")!;
        Assert.Equal((false, null), (status.Enabled, status.LastRunAt));
    }

    [Fact]
    public async Task AsAHostedServiceItPollsAtStartAndStopsWhenTheAppStops()
    {
        _host.Db.NewContext().AddPerson("known@receiver.example");
        Drop("bounce.eml", Dsn("known@receiver.example", "1"));
        var service = _host.DropFolder(new DropFolderOptions { Path = _folder, PollInterval = TimeSpan.FromHours(1) });

        await service.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (FilesIn().Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await service.StopAsync(CancellationToken.None);

        Assert.Empty(FilesIn());
        Assert.Single(FilesIn(DropFolderFiles.ProcessedFolder));
        Assert.True(service.ExecuteTask!.IsCompleted);
    }

    // ---- Issue 14.5: links and special files ----

    [Fact]
    public async Task ASymbolicLinkIsSkippedAndItsTargetNeverRead()
    {
        var person = _host.Db.NewContext().AddPerson("linked@receiver.example");
        var outside = Directory.CreateTempSubdirectory("bounceadmin-outside-").FullName;
        try
        {
            var target = Path.Combine(outside, "secret.eml");
            File.WriteAllBytes(target, Dsn("linked@receiver.example", "9"));
            var link = Path.Combine(_folder, "link.eml");
            File.CreateSymbolicLink(link, target);
            File.SetLastWriteTimeUtc(target, _host.Clock.UtcNow.AddMinutes(-1));

            var run = await Service().RunOnceAsync();

            Assert.Equal((0, 0), (run.Items, run.Summary.Messages));
            Assert.True(File.Exists(link) && new FileInfo(link).LinkTarget is not null, "the link is left where it is");
            Assert.True(File.Exists(target));
            using var db = _host.Db.NewContext();
            Assert.Empty(db.BounceEvents);
            Assert.False(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task AFifoIsSkippedAndDoesNotBlockThePoll()
    {
        var fifo = Path.Combine(_folder, "pipe.eml");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mk.WaitForExitAsync();
        }

        File.SetLastWriteTimeUtc(fifo, _host.Clock.UtcNow.AddMinutes(-1));
        Drop("real.eml", Dsn("nobody@receiver.example", "3"));

        var poll = Service().RunOnceAsync();
        var finished = await Task.WhenAny(poll, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(poll, finished);
        Assert.Equal(1, (await poll).Items);
        Assert.True(File.Exists(fifo));
    }

    [Fact]
    public void OpeningALinkIsRefusedEvenIfItAppearsAfterTheListing()
    {
        var target = Path.Combine(_folder, "real-target.txt");
        File.WriteAllText(target, "x");
        var link = Path.Combine(_folder, "swapped.eml");
        File.CreateSymbolicLink(link, target);

        var read = DropFile.Read(link, 1024 * 1024);

        Assert.Empty(read.Messages);
        Assert.NotNull(read.NotYet);
    }

    [Fact]
    public async Task TheErrorFileIsNeverWrittenThroughAPlantedLink()
    {
        var outside = Path.Combine(Directory.CreateTempSubdirectory("bounceadmin-victim-").FullName, "victim.txt");
        File.WriteAllText(outside, "untouched");
        try
        {
            Drop("bad.zip", "this is not a zip archive"u8.ToArray());
            var failedFolder = Path.Combine(_folder, DropFolderFiles.FailedFolder);
            Directory.CreateDirectory(failedFolder);
            var stamp = _host.Clock.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            File.CreateSymbolicLink(Path.Combine(failedFolder, $"{stamp}-bad.zip.error.txt"), outside);

            var run = await Service().RunOnceAsync();

            Assert.Equal(1, run.FailedItems);
            Assert.Equal("untouched", File.ReadAllText(outside));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(outside)!, recursive: true);
        }
    }
}
