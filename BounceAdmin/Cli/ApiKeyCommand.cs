using System.Globalization;
using BounceAdmin.Features.Api;

namespace BounceAdmin.Cli;

/// <summary>
/// <c>apikey add --name NAME --scope SCOPE [--scope SCOPE] [--expires WHEN]</c>: creates an API key for automation and
/// prints it as the last line of its output (the only time it is shown). WHEN is a date (midnight UTC), an ISO 8601 time
/// with an offset, or a number of days such as <c>90d</c>.
/// </summary>
public static class ApiKeyCommand
{
    public const string UsageText = "Usage: apikey add --name NAME --scope SCOPE [--scope SCOPE] [--expires YYYY-MM-DD|ISO-8601-TIME|Nd]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "add")
        {
            throw new UsageException(UsageText);
        }

        string? name = null, expires = null;
        var scopes = new List<string>();
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--scope" when i + 1 < args.Length: scopes.Add(args[++i]); break;
                case "--expires" when i + 1 < args.Length: expires = args[++i]; break;
                case "--name" or "--scope" or "--expires": throw new UsageException($"{args[i]} needs a value. {UsageText}");
                default: rest.Add(args[i]); break;
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException("apikey add needs --name NAME. " + UsageText);
        }

        if (scopes.Count == 0)
        {
            throw new UsageException($"apikey add needs at least one --scope: {string.Join(", ", ApiScopes.All)}.");
        }

        var unknown = scopes.Where(s => !ApiScopes.All.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown scope {string.Join(", ", unknown)}; the scopes are {string.Join(", ", ApiScopes.All)}.");
        }

        DateTime? expiresAt = null;
        if (expires is not null)
        {
            expiresAt = ParseExpiry(expires, DateTime.UtcNow)
                ?? throw new UsageException($"--expires {expires}: give a date (2027-01-31), a time with an offset (2027-01-31T12:00:00Z) or days (90d).");
        }

        await using var app = await CommandLine.BuildHostAsync([.. rest]);
        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        CreatedApiKey created;
        try
        {
            created = await service.CreateAsAsync("cli", name, scopes, expiresAt, CancellationToken.None);
        }
        catch (ArgumentException ex)
        {
            throw new CommandException(ex.Message);
        }

        var row = created.Row;
        Console.WriteLine($"Created API key \"{row.Name}\" with {string.Join(", ", row.Scopes)}, "
            + (row.ExpiresAt is { } e ? $"expiring {e:yyyy-MM-dd HH:mm} UTC." : "not expiring."));
        Console.WriteLine("It is shown only now; keep it secret. Send it as 'Authorization: Bearer KEY'.");
        Console.WriteLine(created.Key);
        return 0;
    }

    /// <summary>A date (midnight UTC that day), an ISO 8601 time with an offset, or <c>Nd</c> days from <paramref name="nowUtc"/>.</summary>
    public static DateTime? ParseExpiry(string text, DateTime nowUtc)
    {
        var s = text.Trim();
        if (s.EndsWith('d') && int.TryParse(s[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0 && days <= 36_500)
        {
            return nowUtc.AddDays(days);
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }

        return Features.Engagement.IsoTimestamp.TryParse(s, out var t, out _) ? t.UtcDateTime : null;
    }
}
