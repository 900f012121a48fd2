using System.Text;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Admin;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;

namespace BounceAdmin.Tests.Features.Admin;

public sealed class AuditLogServiceTests : IAsyncLifetime
{
    private readonly AdminTestContext _t = new();
    private Person _ada = null!;
    private Person _bob = null!;

    public Task InitializeAsync()
    {
        using var db = _t.Db.NewContext();
        _ada = db.AddPerson("ada@alpha.example");
        _bob = db.AddPerson("bob@beta.example");
        Add(db, _ada, TestData.Now.AddDays(-3), "bounce", FieldLabels.EmailInvalid, "false", "true", "550 5.1.1 user unknown");
        Add(db, _ada, TestData.Now.AddDays(-2), "admin@demo.local", FieldLabels.EmailInvalid, "true", "false", "Confirmed by phone");
        Add(db, _bob, TestData.Now.AddDays(-1), "bounce", FieldLabels.EmailSuspended, "false", "true", "554 spam");
        Add(db, _bob, TestData.Now.AddHours(-1), "admin@demo.local", FieldLabels.EmailInvalidCause, "x", null, "=HYPERLINK(\"http://evil\",\"click\")");
        db.SaveChanges();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private AuditLogService Service => _t.Get<AuditLogService>();

    private static void Add(AppDbContext db, Person p, DateTime at, string actor, string field, string? oldValue, string? newValue, string reason)
        => db.AuditEntries.Add(new AuditEntry { PersonId = p.Id, At = at, Actor = actor, Field = field, OldValue = oldValue, NewValue = newValue, Reason = reason });

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.Manager)]
    public async Task EveryMethodIsForbiddenToNonAdmins(string role)
    {
        _t.ActAs(role);
        var svc = Service;

        await Assert.ThrowsAsync<ForbiddenException>(() => svc.SearchAsync(new AuditFilter(), 0, 10));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.ExportCsvAsync(new AuditFilter()));
        await Assert.ThrowsAsync<ForbiddenException>(() => svc.FieldsAsync());
    }

    [Fact]
    public async Task ListsEveryEntryNewestFirstWithThePersonsEmail()
    {
        var page = await Service.SearchAsync(new AuditFilter(), 0, 10);

        Assert.Equal(4, page.TotalItems);
        Assert.Equal(page.Items.OrderByDescending(r => r.At).Select(r => r.Id), page.Items.Select(r => r.Id));
        Assert.Equal("bob@beta.example", page.Items[0].PersonEmail);
        Assert.Equal("ada@alpha.example", page.Items[^1].PersonEmail);
    }

    [Fact]
    public async Task PagesThroughTheLog()
    {
        var first = await Service.SearchAsync(new AuditFilter(), 0, 3);
        var second = await Service.SearchAsync(new AuditFilter(), 1, 3);

        Assert.Equal(4, first.TotalItems);
        Assert.Equal(3, first.Items.Count);
        var last = Assert.Single(second.Items);
        Assert.DoesNotContain(last.Id, first.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task FiltersByPersonIdOrEmailActorFieldAndDateRange()
    {
        Assert.Equal(2, (await Service.SearchAsync(new AuditFilter(Person: _ada.Id.ToString()), 0, 10)).TotalItems);
        Assert.Equal(2, (await Service.SearchAsync(new AuditFilter(Person: "BETA.example"), 0, 10)).TotalItems);
        Assert.Equal(2, (await Service.SearchAsync(new AuditFilter(Actor: "bounce"), 0, 10)).TotalItems);
        Assert.Equal(2, (await Service.SearchAsync(new AuditFilter(Field: FieldLabels.EmailInvalid), 0, 10)).TotalItems);

        var range = await Service.SearchAsync(new AuditFilter(FromUtc: TestData.Now.AddDays(-2.5), ToUtc: TestData.Now.AddHours(-2)), 0, 10);
        Assert.Equal(2, range.TotalItems);
        Assert.All(range.Items, r => Assert.InRange(r.At, TestData.Now.AddDays(-2.5), TestData.Now.AddHours(-2)));

        var combined = await Service.SearchAsync(new AuditFilter(Person: "ada", Actor: "admin"), 0, 10);
        Assert.Equal("Confirmed by phone", Assert.Single(combined.Items).Reason);
    }

    [Fact]
    public async Task ExportsCsvWithFormulasNeutralised()
    {
        var bytes = await Service.ExportCsvAsync(new AuditFilter());
        var text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(5, lines.Length);
        Assert.StartsWith("At (UTC),Person id,Person email,Actor,Field", lines[0]);
        Assert.Contains("bob@beta.example", lines[1]);
        Assert.Contains("'=HYPERLINK", lines[1]);
        Assert.DoesNotContain(",=HYPERLINK", text);
        Assert.DoesNotContain(",\"=HYPERLINK", text);
    }

    [Fact]
    public async Task ExportHonoursTheFilter()
    {
        var text = Encoding.UTF8.GetString(await Service.ExportCsvAsync(new AuditFilter(Person: "ada")));

        Assert.DoesNotContain("bob@beta.example", text);
        Assert.Equal(2, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1);
    }

    /// <summary>Issue 14.8: the export streams into the caller's stream (here one that can neither seek nor tell its length) and writes the same CSV.</summary>
    [Fact]
    public async Task ExportsCsvIntoAStreamAsTheRowsAreRead()
    {
        using var sink = new WriteOnlyStream();

        await Service.ExportCsvAsync(new AuditFilter(), sink);

        Assert.Equal(await Service.ExportCsvAsync(new AuditFilter()), sink.Written.ToArray());
        Assert.True(sink.Writes >= 1);
    }

    private sealed class WriteOnlyStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public int Writes { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            Written.Write(buffer, offset, count);
        }
    }
}
