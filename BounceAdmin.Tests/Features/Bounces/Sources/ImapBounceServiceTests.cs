using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Features.Bounces.Sources.Imap;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static BounceAdmin.Tests.Features.Bounces.Sources.SourceTestMessages;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>The IMAP mailbox, against a scripted IMAP server: unread messages in, marked read (or moved) only once committed.</summary>
public sealed class ImapBounceServiceTests : IAsyncLifetime
{
    private const string Password = "s3cret-Pa55";

    private readonly SourceTestHost _host = new();
    private readonly ScriptedImapServer _server = new("bounces", Password);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _host.Dispose();
    }

    private ImapOptions Options(string password = Password, string? processedFolder = null) => new()
    {
        Host = "127.0.0.1",
        Port = _server.Port,
        Security = ImapSecurity.None,
        Username = "bounces",
        Password = password,
        ProcessedFolder = processedFolder,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static string[] Seen => ["\\Seen"];

    [Fact]
    public async Task UnseenMessagesAreIngestedThenMarkedSeen()
    {
        var person = _host.Db.NewContext().AddPerson("a@receiver.example");
        _host.Db.NewContext().AddPerson("b@receiver.example");
        _host.Db.NewContext().AddPerson("old@receiver.example");
        _server.Deliver(Dsn("a@receiver.example", "1"));
        _server.Deliver(Dsn("old@receiver.example", "0"), "INBOX", "\\Seen"); // read before: not ours to take
        _server.Deliver(Dsn("b@receiver.example", "2"));

        var run = await _host.Imap(Options()).RunOnceAsync();

        Assert.True(run.Succeeded, run.Problem);
        Assert.Equal((2, 2, 2), (run.Items, run.Summary.Messages, run.Summary.Applied));
        Assert.All(_server.Folder("INBOX"), m => Assert.Equal(Seen, m.Flags));
        Assert.Equal(["UID FETCH 1 (BODY.PEEK[])", "UID FETCH 3 (BODY.PEEK[])"], _server.Commands.Where(c => c.StartsWith("UID FETCH") && c.Contains("BODY.PEEK")));
        Assert.Empty(_server.Unhandled);
        Assert.Contains("LOGOUT", _server.Commands);

        using var db = _host.Db.NewContext();
        Assert.True(db.People.Single(p => p.Id == person.Id).EmailInvalid);
        Assert.False(db.People.Single(p => p.Email == "old@receiver.example").EmailInvalid);
        Assert.All(db.BounceEvents, b => Assert.Equal("imap", b.Source));
        Assert.All(db.AuditEntries, a => Assert.Contains("from imap", a.Reason));
        Assert.NotEmpty(db.AuditEntries);
        var status = _host.Board.Get("imap")!;
        Assert.Equal((true, 2, 2, null), (status.Enabled, status.Items, status.Applied, status.LastError));
    }

    [Fact]
    public async Task TheRawBytesAreIngestedSoAnUploadOfTheSameMessageIsADuplicate()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        var content = Dsn("a@receiver.example", "1");
        _server.Deliver(content);
        await _host.Imap(Options()).RunOnceAsync();

        var upload = new BounceIngestService(_host.Db.Factory, new BounceRulesService(_host.Db.Factory, _host.Clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)),
            FixedCurrentUser.For("admin@test", Roles.Admin), _host.Clock, NullLogger<BounceIngestService>.Instance);
        var summary = await upload.IngestAsync([new RawMessage("same.eml", content)], "upload");

        // The de-duplication key hashes the message bytes: a duplicate proves the bytes were the server's, unchanged.
        Assert.Equal((1, 0, 1), (summary.Bounces, summary.Applied, summary.Duplicates));
    }

    [Fact]
    public async Task WithAProcessedFolderMessagesAreMovedThereAfterIngest()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        _server.AddFolder("Processed");
        _server.Deliver(Dsn("a@receiver.example", "1"));
        _server.Deliver(Dsn("b@receiver.example", "2"));

        var run = await _host.Imap(Options(processedFolder: "Processed")).RunOnceAsync();

        Assert.True(run.Succeeded, run.Problem + " " + string.Join(" | ", _server.Unhandled));
        Assert.Equal((2, 1, 1), (run.Items, run.Summary.Applied, run.Summary.Unmatched));
        Assert.Empty(_server.Folder("INBOX"));
        Assert.Equal(2, _server.Folder("Processed").Count);
        Assert.All(_server.Folder("Processed"), m => Assert.Equal(Seen, m.Flags));
        Assert.Equal(2, _server.Commands.Count(c => c.StartsWith("UID MOVE")));
        Assert.Empty(_server.Unhandled);
    }

    [Fact]
    public async Task AMissingProcessedFolderStopsThePollBeforeAnythingIsIngested()
    {
        _server.Deliver(Dsn("a@receiver.example", "1"));

        var run = await _host.Imap(Options(processedFolder: "Nowhere")).RunOnceAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("Nowhere", run.Problem);
        Assert.DoesNotContain(_server.Commands, c => c.StartsWith("UID FETCH"));
        Assert.Equal([], Assert.Single(_server.Folder("INBOX")).Flags);
        using var db = _host.Db.NewContext();
        Assert.Empty(db.BounceEvents);
    }

    [Fact]
    public async Task AMessageThatCannotBeClassifiedIsQuarantinedAndMarkedSeen()
    {
        _server.Deliver("\r\n"u8.ToArray());

        var run = await _host.Imap(Options()).RunOnceAsync();

        Assert.Equal((1, 1), (run.Items, run.Summary.Errors));
        Assert.Equal(Seen, Assert.Single(_server.Folder("INBOX")).Flags);
        using var db = _host.Db.NewContext();
        var quarantined = Assert.Single(db.Quarantine);
        Assert.Equal(("imap", $"imap:INBOX/{ScriptedImapServer.UidValidity}/1"), (quarantined.Source, quarantined.FileName));
        Assert.Equal(1, _host.Board.Get("imap")!.Quarantined);
    }

    [Fact]
    public async Task AMessageWhoseIngestFailsStaysUnseenAndIsTakenByTheNextPoll()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        _server.Deliver(Dsn("a@receiver.example", "1"));
        _host.Factory.Broken = true;
        var service = _host.Imap(Options());

        var failed = await service.RunOnceAsync();

        Assert.False(failed.Succeeded);
        Assert.Equal([], Assert.Single(_server.Folder("INBOX")).Flags);
        Assert.DoesNotContain(_server.Commands, c => c.StartsWith("UID STORE"));
        Assert.Equal(1, _host.Board.Get("imap")!.ConsecutiveFailures);

        _host.Factory.Broken = false;
        var retried = await service.RunOnceAsync();

        Assert.Equal((true, 1, 1), (retried.Succeeded, retried.Items, retried.Summary.Applied));
        Assert.Equal(Seen, Assert.Single(_server.Folder("INBOX")).Flags);
        Assert.Equal(0, _host.Board.Get("imap")!.ConsecutiveFailures);
    }

    [Fact]
    public async Task ASecondPollIngestsNothingNew()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        _server.Deliver(Dsn("a@receiver.example", "1"));
        var service = _host.Imap(Options());
        await service.RunOnceAsync();
        // Downloads of a message (the size look-up before them is a separate, small FETCH).
        var fetchesBefore = _server.Commands.Count(c => c.StartsWith("UID FETCH") && c.Contains("BODY.PEEK"));

        var second = await service.RunOnceAsync();

        Assert.Equal((true, 0, 0), (second.Succeeded, second.Items, second.Summary.Messages));
        Assert.Equal(1, fetchesBefore);
        Assert.Equal(1, _server.Commands.Count(c => c.StartsWith("UID FETCH") && c.Contains("BODY.PEEK")));
        Assert.Equal(2, _server.Connections);
        var status = _host.Board.Get("imap")!;
        Assert.Equal((1, 1), (status.Items, status.Applied));
    }

    [Fact]
    public async Task BadCredentialsAreLoggedWithoutThePasswordAndNothingIsFetched()
    {
        _server.Deliver(Dsn("a@receiver.example", "1"));

        var run = await _host.Imap(Options(password: "wrong-Pa55word")).RunOnceAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("refused the sign-in", run.Problem);
        Assert.DoesNotContain(_server.Commands, c => c.StartsWith("SELECT") || c.StartsWith("UID"));
        var error = Assert.Single(_host.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("imap", error.Message);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.FullText.Contains("wrong-Pa55word") || e.FullText.Contains(Password));
        Assert.DoesNotContain("wrong-Pa55word", _host.Board.Get("imap")!.LastError);
    }

    [Fact]
    public async Task AServerThatIsNotThereIsReportedAsAConnectionFailure()
    {
        var options = Options();
        await _server.DisposeAsync(); // nobody listens on the port any more

        var run = await _host.Imap(options).RunOnceAsync();

        Assert.False(run.Succeeded);
        Assert.Contains($"127.0.0.1:{options.Port}", run.Problem);
        Assert.Equal(1, _host.Board.Get("imap")!.ConsecutiveFailures);
    }

    [Fact]
    public async Task WithBadCredentialsTheHostedServiceKeepsRunningRetriesAndRecovers()
    {
        _host.Db.NewContext().AddPerson("a@receiver.example");
        _server.Deliver(Dsn("a@receiver.example", "1"));
        _server.Password = "changed-on-the-server";
        // A short interval so the back-off (100 ms, 200 ms, ...) runs in real time within the test.
        var options = Options();
        options.PollInterval = TimeSpan.FromMilliseconds(50);
        var service = _host.Imap(options);

        await service.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _host.Board.Get("imap")?.ConsecutiveFailures >= 2);

        Assert.False(service.ExecuteTask!.IsCompleted);
        Assert.Contains("refused the sign-in", _host.Board.Get("imap")!.LastError);

        _server.Password = Password;
        await WaitUntilAsync(() => _host.Board.Get("imap")?.Items == 1);
        await service.StopAsync(CancellationToken.None);

        var status = _host.Board.Get("imap")!;
        Assert.Equal((0, null, 1), (status.ConsecutiveFailures, status.LastError, status.Applied));
        Assert.True(_server.Connections >= 3);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task AnUnconfiguredMailboxStaysOff()
    {
        var service = _host.Imap(new ImapOptions());

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((false, null), (_host.Board.Get("imap")!.Enabled, _host.Board.Get("imap")!.LastRunAt));
        Assert.Equal(0, _server.Connections);
    }

    /// <summary>Issue 14.4: a message over Imap:MaxMessageBytes is never downloaded; it is listed in the quarantine and marked read.</summary>
    [Fact]
    public async Task AnOversizedMessageIsNotDownloadedButQuarantinedAndMarkedRead()
    {
        _host.Db.NewContext().AddPerson("small@receiver.example");
        var big = Dsn("big@receiver.example", "7").Concat(new byte[4096]).ToArray();
        _server.Deliver(big);
        _server.Deliver(Dsn("small@receiver.example", "8"));
        var options = Options();
        options.MaxMessageBytes = 4000;

        var run = await _host.Imap(options).RunOnceAsync();

        Assert.True(run.Succeeded, run.Problem);
        Assert.Equal(["UID FETCH 2 (BODY.PEEK[])"], _server.Commands.Where(c => c.StartsWith("UID FETCH") && c.Contains("BODY.PEEK")));
        Assert.All(_server.Folder("INBOX"), m => Assert.Equal(Seen, m.Flags));
        using var db = _host.Db.NewContext();
        var kept = Assert.Single(db.Quarantine);
        Assert.Contains("MaxMessageBytes", kept.Error);
        Assert.Null(kept.Content);
        Assert.Single(db.BounceEvents);
    }
}
