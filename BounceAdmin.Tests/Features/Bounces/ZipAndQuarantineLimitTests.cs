using System.IO.Compression;
using System.Security.Cryptography;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Ingestion;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Features.Bounces;

/// <summary>Issue 14 point 4: zip bombs are refused before they are expanded, and the quarantine keeps a bounded amount.</summary>
public sealed class ZipAndQuarantineLimitTests : IDisposable
{
    private readonly SqliteTestDatabase _db = new();
    private readonly TestClock _clock = new(TestData.Now);

    public void Dispose() => _db.Dispose();

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                s.Write(content);
            }
        }

        return buffer.ToArray();
    }

    private static (IReadOnlyList<RawMessage> Messages, string? Error) Read(byte[] zip) => MessageSources.ReadAll("upload.zip", new MemoryStream(zip));

    [Fact]
    public void AnEntryCompressedAThousandToOneIsRefusedAsAZipBomb()
    {
        var bomb = Zip(("bomb.eml", new byte[20 * 1024 * 1024]));
        Assert.True(bomb.Length < 100 * 1024, $"the test zip is {bomb.Length} bytes");

        var (messages, error) = Read(bomb);

        Assert.Empty(messages);
        Assert.Contains("zip bomb", error);
    }

    [Fact]
    public void AZipWithMoreThanTenThousandEntriesIsRefused()
    {
        var entries = Enumerable.Range(0, MessageSources.MaxZipEntries + 1).Select(i => ($"m{i}.eml", "x"u8.ToArray())).ToArray();

        var (messages, error) = Read(Zip(entries));

        Assert.Empty(messages);
        Assert.Contains("10,000", error);
    }

    [Fact]
    public void AZipInsideAZipIsRefused()
    {
        var inner = Zip(("a.eml", TestBounces.Dsn("a@example.com")));

        var (named, namedError) = Read(Zip(("inner.zip", inner)));
        var (hidden, hiddenError) = Read(Zip(("inner.eml", inner)));

        Assert.Empty(named);
        Assert.Contains("zip inside a zip", namedError);
        Assert.Empty(hidden);
        Assert.Contains("zip inside a zip", hiddenError);
    }

    [Fact]
    public void AnOrdinaryZipOfMessagesIsStillRead()
    {
        var (messages, error) = Read(Zip(("a.eml", TestBounces.Dsn("a@example.com", id: "1")), ("b.eml", TestBounces.Dsn("b@example.com", id: "2"))));

        Assert.Null(error);
        Assert.Equal(["upload.zip!a.eml", "upload.zip!b.eml"], messages.Select(m => m.Name));
    }

    [Fact]
    public void AZipOnAFileIsReadInPlace()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bounceadmin-zip-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, Zip(("a.eml", TestBounces.Dsn("a@example.com"))));
        try
        {
            using var stream = File.OpenRead(path);
            var (messages, error) = MessageSources.ReadAll(path, stream);
            Assert.Null(error);
            Assert.Single(messages);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private BounceIngestService Ingest(long? cap = null)
    {
        var service = new BounceIngestService(_db.Factory, new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), FixedCurrentUser.For("admin@test", Roles.Admin),
            _clock, NullLogger<BounceIngestService>.Instance);
        return cap is { } c ? new BounceIngestService(_db.Factory, new BounceRulesService(_db.Factory, _clock, BounceAdmin.Identity.FixedCurrentUser.For("system:test", BounceAdmin.Identity.Roles.Admin)), FixedCurrentUser.For("admin@test", Roles.Admin),
            _clock, NullLogger<BounceIngestService>.Instance) { QuarantineTotalCap = c } : service;
    }

    /// <summary>An upload's spool file or a command-line path: read once as a stream, the size and hash are the whole file's.</summary>
    [Fact]
    public async Task AQuarantinedStreamKeepsTheFirstMegabyteWithTheSizeAndHashOfTheWholeFile()
    {
        var content = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(content);

        using (var stream = new MemoryStream(content))
        {
            await Ingest().QuarantineStreamAsync("big.zip", stream, "upload", "not a zip");
        }

        using var db = _db.NewContext();
        var kept = Assert.Single(db.Quarantine);
        Assert.Equal(content[..BounceIngestService.MaxQuarantinedBytes], kept.Content);
        Assert.Equal(content.Length, kept.OriginalSizeBytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), kept.ContentSha256);
        Assert.Contains($"of {content.Length:N0} bytes kept", kept.Error);
    }

    [Fact]
    public async Task TheQuarantineKeepsTheFirstMegabyteWithTheSizeAndHashOfTheWhole()
    {
        var content = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(content);

        await Ingest().QuarantineFileAsync("big.zip", content, "upload", "not a zip");

        using var db = _db.NewContext();
        var kept = Assert.Single(db.Quarantine);
        Assert.Equal(BounceIngestService.MaxQuarantinedBytes, kept.Content!.Length);
        Assert.Equal(content[..BounceIngestService.MaxQuarantinedBytes], kept.Content);
        Assert.Equal(content.Length, kept.OriginalSizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), kept.ContentSha256);
        Assert.Contains("first 1024 KB", kept.Error);
    }

    [Fact]
    public async Task PastTheTotalCapOnlyTheErrorSizeAndHashAreKept()
    {
        var ingest = Ingest(cap: 2 * 1024 * 1024);
        for (var i = 0; i < 3; i++)
        {
            var content = new byte[1024 * 1024];
            Random.Shared.NextBytes(content);
            await ingest.QuarantineFileAsync($"f{i}.eml", content, "upload", "unreadable");
        }

        using var db = _db.NewContext();
        var rows = db.Quarantine.OrderBy(q => q.Id).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows.Take(2), r => Assert.NotNull(r.Content));
        Assert.Null(rows[2].Content);
        Assert.Equal(1024 * 1024, rows[2].OriginalSizeBytes);
        Assert.Contains("content not kept", rows[2].Error);
    }

    [Fact]
    public async Task ARejectedArchiveIsQuarantinedWithTheReason()
    {
        var bomb = Zip(("bomb.eml", new byte[20 * 1024 * 1024]));
        var (_, error) = Read(bomb);

        await Ingest().QuarantineFileAsync("bomb.zip", bomb, "upload", error!);

        using var db = _db.NewContext();
        Assert.Contains("zip bomb", Assert.Single(db.Quarantine).Error);
    }
}
