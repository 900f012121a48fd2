using System.Collections.Concurrent;
using BounceAdmin.Data;
using BounceAdmin.Features.Bounces;
using BounceAdmin.Features.Bounces.Sources;
using BounceAdmin.Features.Bounces.Sources.DropFolder;
using BounceAdmin.Features.Bounces.Sources.Imap;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BounceAdmin.Tests.Features.Bounces.Sources;

/// <summary>
/// What a background source needs, as the app provides it: a scope factory over the real ingest dependencies (real
/// SQLite), the status board, a clock and loggers that keep what they are told.
/// </summary>
public sealed class SourceTestHost : IDisposable
{
    public SourceTestHost()
    {
        Factory = new BreakableDbContextFactory(Db.Factory);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<IDbContextFactory<AppDbContext>>(Factory);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddScoped<BounceRulesService>();
        // As in the app outside a circuit: nobody is signed in; the source or webhook acts as its own system identity.
        services.AddSingleton<BounceAdmin.Identity.ICurrentUser>(BounceAdmin.Identity.FixedCurrentUser.Anonymous);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public SqliteTestDatabase Db { get; } = new();

    /// <summary>Real time: the drop folder compares it with the files' own write times.</summary>
    public TestClock Clock { get; } = new(DateTime.UtcNow);

    public BounceSourceStatusBoard Board { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public BreakableDbContextFactory Factory { get; }

    public ServiceProvider Services { get; }

    public DropFolderService DropFolder(DropFolderOptions options)
        => new(Options.Create(options), Services.GetRequiredService<IServiceScopeFactory>(), Board, Clock,
            Services.GetRequiredService<ILogger<DropFolderService>>());

    public ImapBounceService Imap(ImapOptions options)
        => new(Options.Create(options), Services.GetRequiredService<IServiceScopeFactory>(), Board, Clock,
            Services.GetRequiredService<ILogger<ImapBounceService>>());

    public void Dispose()
    {
        Services.Dispose();
        Db.Dispose();
    }
}

/// <summary>The test database's factory, which can be made to fail like a database that went away.</summary>
public sealed class BreakableDbContextFactory(IDbContextFactory<AppDbContext> inner) : IDbContextFactory<AppDbContext>
{
    public bool Broken { get; set; }

    public AppDbContext CreateDbContext()
        => Broken ? throw new InvalidOperationException("The database is unavailable (test).") : inner.CreateDbContext();
}

/// <summary>Keeps every log entry, so a test can prove what was (and was not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        /// <summary>Everything the entry would write: message, exception type, message and stack.</summary>
        public string FullText => Message + " " + Exception;
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}
