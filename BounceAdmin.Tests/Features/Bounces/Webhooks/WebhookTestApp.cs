using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Bounces.Webhooks;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>
/// The app with every webhook on and test secrets generated here (an RSA certificate served as SNS's, an ECDSA P-256 key
/// for SendGrid, HMAC and shared secrets); the SNS HttpClient talks to <see cref="Sns"/> instead of AWS.
/// </summary>
public sealed class WebhookTestApp : BounceAdminFactory
{
    public const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:bounceadmin-ses";
    public const string CertUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem";
    public const string MailgunKey = "test-mailgun-signing-key";
    public const string PostmarkUser = "postmark-user";
    public const string PostmarkPassword = "postmark-password-123";
    public const string GenericToken = "generic-token-0123456789abcdef";
    public const int MaxBodyBytes = 100_000;
    public const int MaxEvents = 50;

    public RSA SnsKey { get; } = RSA.Create(2048);

    public ECDsa SendGridKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public FakeSnsHandler Sns { get; } = new();

    /// <summary>Every log entry the app writes (Warning and above, as the factory configures).</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public WebhookTestApp()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", SnsKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Sns.Files[CertUrl] = certificate.ExportCertificatePem();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:MaxBodyBytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Webhooks:MaxEventsPerRequest", MaxEvents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Webhooks:BusyTimeoutSeconds", "1");
        builder.UseSetting("Webhooks:Ses:Enabled", "true");
        builder.UseSetting("Webhooks:Ses:AllowedTopicArns:0", TopicArn);
        builder.UseSetting("Webhooks:SendGrid:Enabled", "true");
        builder.UseSetting("Webhooks:SendGrid:PublicKey", Convert.ToBase64String(SendGridKey.ExportSubjectPublicKeyInfo()));
        builder.UseSetting("Webhooks:Mailgun:Enabled", "true");
        builder.UseSetting("Webhooks:Mailgun:SigningKey", MailgunKey);
        builder.UseSetting("Webhooks:Postmark:Enabled", "true");
        builder.UseSetting("Webhooks:Postmark:Username", PostmarkUser);
        builder.UseSetting("Webhooks:Postmark:Password", PostmarkPassword);
        builder.UseSetting("Webhooks:Generic:Enabled", "true");
        builder.UseSetting("Webhooks:Generic:Token", GenericToken);
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient(WebhooksRegistration.SnsHttpClient).ConfigurePrimaryHttpMessageHandler(() => Sns);
            services.AddSingleton<ILoggerProvider>(Logs);
        });
    }

    /// <summary>A new person with a unique address (tests share one app and one database).</summary>
    public async Task<Person> AddPersonAsync(string prefix = "p")
    {
        await using var db = await NewContextAsync();
        return db.AddPerson($"{prefix}-{Guid.NewGuid():N}@example.com");
    }

    /// <summary>A send to <paramref name="person"/> a day ago: a bounce or complaint about it is verified (issue 14).</summary>
    public async Task AddRecentSendAsync(Person person)
    {
        await using var db = await NewContextAsync();
        db.AddSend(db.AddEmail("News " + Guid.NewGuid().ToString("N")), person, DateTime.UtcNow.AddDays(-1));
    }

    public async Task<Person> ReloadAsync(int id)
    {
        await using var db = await NewContextAsync();
        return await db.People.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    public async Task<List<AuditEntry>> AuditAsync(int personId)
    {
        await using var db = await NewContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(a => a.PersonId == personId).OrderBy(a => a.Id).ToListAsync();
    }

    public async Task<List<BounceEvent>> EventsAsync(string recipient)
    {
        await using var db = await NewContextAsync();
        var normalized = recipient.ToLowerInvariant();
        return await db.BounceEvents.AsNoTracking().Where(b => b.Recipient == normalized).OrderBy(b => b.Id).ToListAsync();
    }

    private Task<AppDbContext> NewContextAsync()
        => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SnsKey.Dispose();
            SendGridKey.Dispose();
        }
    }
}

/// <summary>Stands in for AWS: serves the files it is given (the signing certificate) and records every GET.</summary>
public sealed class FakeSnsHandler : HttpMessageHandler
{
    public ConcurrentDictionary<string, string> Files { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Answers made by hand for a URL (a redirect, a body without a length), before <see cref="Files"/>.</summary>
    public ConcurrentDictionary<string, Func<HttpResponseMessage>> Responses { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.ToString();
        Requests.Enqueue(url);
        if (Responses.TryGetValue(url, out var respond))
        {
            return Task.FromResult(respond());
        }

        if (Files.TryGetValue(url, out var content))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(content) });
        }

        // A SubscribeURL answers with a confirmation; anything else is not there.
        return Task.FromResult(url.Contains("Action=ConfirmSubscription", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<ConfirmSubscriptionResponse/>") }
            : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}

/// <summary>Keeps the app's log entries (level, category, text) for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookTestApp>
{
    public const string Name = "Webhooks";
}
