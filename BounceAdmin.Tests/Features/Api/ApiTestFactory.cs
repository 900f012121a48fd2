using System.Net.Http.Headers;
using BounceAdmin.Data;
using BounceAdmin.Data.Entities;
using BounceAdmin.Features.Api;
using BounceAdmin.Identity;
using BounceAdmin.Tests.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>The app in process with a per-key rate limit of <see cref="RequestsPerMinute"/>, and helpers to make keys.</summary>
public class ApiTestFactory : BounceAdminFactory
{
    public virtual int RequestsPerMinute => 10_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting($"{ApiOptions.Section}:{nameof(ApiOptions.RequestsPerMinute)}", RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>An Admin's key service on the app's database.</summary>
    public ApiKeyService AdminKeys()
        => new(Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), FixedCurrentUser.For("admin@test.local", Roles.Admin),
            TimeProvider.System, NullLogger<ApiKeyService>.Instance);

    public async Task<CreatedApiKey> CreateKeyAsync(params string[] scopes)
        => await AdminKeys().CreateAsync("test key " + Guid.NewGuid().ToString("N")[..8], scopes, null);

    /// <summary>A client that sends <paramref name="key"/> as a bearer token and never follows redirects.</summary>
    public HttpClient ApiClient(string? key)
    {
        var client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task UpdateKeyAsync(int id, Action<ApiKey> change)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var key = await db.ApiKeys.SingleAsync(k => k.Id == id);
        change(key);
        await db.SaveChangesAsync();
    }

    public async Task<Person> AddPersonAsync(string email, Action<Person>? change = null)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var now = DateTime.UtcNow;
        var p = new Person
        {
            Email = email,
            EmailNormalized = email.ToLowerInvariant(),
            EmailDomain = email[(email.IndexOf('@') + 1)..].ToLowerInvariant(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        change?.Invoke(p);
        db.People.Add(p);
        await db.SaveChangesAsync();
        return p;
    }
}

/// <summary>A limit small enough to reach in a test.</summary>
public sealed class RateLimitedApiFactory : ApiTestFactory
{
    public override int RequestsPerMinute => 3;
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiTestFactory>
{
    public const string Name = "Api";
}
