using BounceAdmin.Cli;
using BounceAdmin.Data;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Cli;

/// <summary><c>apikey add</c> prints the new key as its last line; the key works; bad input is a usage error.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ApiKeyCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bounceadmin-apikey-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task ApiKeyAddPrintsAWorkingKeyAsTheLastLine()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await CommandLine.RunAsync(["apikey", "add", "--name", "ESP sync", "--scope", "mailability:read", "--scope", "events:write",
                "--expires", "30d", $"--ConnectionStrings:Default=Data Source={_dbPath}", "--environment=Production"]);
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = lines[^1];
        Assert.StartsWith(ApiKeySecret.Prefix, key);

        var factory = new FileFactory(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={_dbPath}").Options);
        var service = new ApiKeyService(factory, FixedCurrentUser.Anonymous, TimeProvider.System, NullLogger<ApiKeyService>.Instance);
        var check = await service.CheckAsync(key);
        Assert.Equal("ESP sync", check.Key?.Name);
        Assert.Equal("mailability:read events:write", check.Key?.Scopes);
        Assert.Equal("cli", check.Key?.CreatedBy);
        Assert.InRange(check.Key!.ExpiresAt!.Value, DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
    }

    private sealed class FileFactory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }

    [Theory]
    [InlineData("apikey", "add", "--scope", "mailability:read")]
    [InlineData("apikey", "add", "--name", "x")]
    [InlineData("apikey", "add", "--name", "x", "--scope", "root")]
    [InlineData("apikey", "add", "--name", "x", "--scope", "mailability:read", "--expires", "someday")]
    [InlineData("apikey", "remove")]
    public async Task BadArgumentsAreAUsageError(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, await CommandLine.RunAsync([.. args, $"--ConnectionStrings:Default=Data Source={_dbPath}"]));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.False(string.IsNullOrWhiteSpace(error.ToString()));
        Assert.False(File.Exists(_dbPath));
    }

    [Theory]
    [InlineData("2027-01-31", "2027-01-31T00:00:00")]
    [InlineData("2027-01-31T12:00:00+02:00", "2027-01-31T10:00:00")]
    [InlineData("10d", "2026-12-11T00:00:00")]
    public void ExpiryForms(string text, string expectedUtc)
    {
        var now = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), ApiKeyCommand.ParseExpiry(text, now));
    }

    [Theory]
    [InlineData("2027-01-31T12:00:00")]
    [InlineData("0d")]
    [InlineData("tomorrow")]
    public void AnExpiryWithoutAnOffsetOrNotADateIsRefused(string text)
        => Assert.Null(ApiKeyCommand.ParseExpiry(text, DateTime.UtcNow));
}

/// <summary>Tests that redirect the process's console run alone, so no other test's output lands in theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
