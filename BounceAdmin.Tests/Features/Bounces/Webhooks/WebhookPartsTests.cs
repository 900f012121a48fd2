using BounceAdmin.Features.Bounces.Webhooks;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>The small parts of the webhooks: the SNS host rule, the canonical string, the replay cache, keys and secrets.</summary>
public sealed class WebhookPartsTests
{
    [Theory]
    [InlineData("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", true)]
    [InlineData("https://sns.eu-central-2.amazonaws.com/?Action=ConfirmSubscription&Token=x", true)]
    [InlineData("http://sns.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com:8443/cert.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem", false)]
    [InlineData("https://evil.example/sns.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://user@sns.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://s3.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://sns.amazonaws.com/cert.pem", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void OnlyHttpsSnsHostsAreTrusted(string? url, bool trusted) => Assert.Equal(trusted, SnsMessage.IsSnsUrl(url));

    [Fact]
    public void ANotificationSignsItsSubjectOnlyWhenItHasOne()
    {
        var message = new SnsMessage("Notification", "id-1", "arn:t", "body", "2026-01-01T00:00:00Z", "Hello", null, null, "2", "sig", "url");

        Assert.Equal("Message\nbody\nMessageId\nid-1\nSubject\nHello\nTimestamp\n2026-01-01T00:00:00Z\nTopicArn\narn:t\nType\nNotification\n",
            message.CanonicalString());
        Assert.DoesNotContain("Subject", (message with { Subject = null }).CanonicalString());
    }

    [Fact]
    public void ATokenIsUsableOnceWithinTheTolerance()
    {
        var cache = new MailgunTokenCache();
        var now = DateTimeOffset.UtcNow;

        Assert.True(cache.TryUse("t1", now, TimeSpan.FromMinutes(5)));
        Assert.False(cache.TryUse("t1", now.AddMinutes(1), TimeSpan.FromMinutes(5)));
        // Past the tolerance its request is refused as stale anyway, so the token is forgotten (the memory stays bounded).
        Assert.True(cache.TryUse("t1", now.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void AReleasedTokenCanBeUsedAgain()
    {
        var cache = new MailgunTokenCache();
        var now = DateTimeOffset.UtcNow;
        cache.TryUse("t1", now, TimeSpan.FromMinutes(5));

        cache.Release("t1");

        Assert.True(cache.TryUse("t1", now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void TheCacheForgetsTheOldestTokensPastItsCapacity()
    {
        var cache = new MailgunTokenCache();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i <= MailgunTokenCache.Capacity; i++)
        {
            cache.TryUse("t" + i, now, TimeSpan.FromHours(1));
        }

        Assert.True(cache.TryUse("t0", now, TimeSpan.FromHours(1)));
        Assert.False(cache.TryUse("t" + MailgunTokenCache.Capacity, now, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void DedupKeysAreStableCaseInsensitiveAndShort()
    {
        Assert.Equal(WebhookRules.DedupKey("webhook:ses", "fb-1", "Ann@Example.com"), WebhookRules.DedupKey("webhook:ses", "fb-1", "ann@example.com"));
        Assert.NotEqual(WebhookRules.DedupKey("webhook:ses", "fb-1", "ann@example.com"), WebhookRules.DedupKey("webhook:ses", "fb-2", "ann@example.com"));
        var longKey = WebhookRules.DedupKey("webhook:generic", new string('x', 200), "ann@example.com");
        Assert.True(longKey.Length <= 128);
        Assert.NotEqual(longKey, WebhookRules.DedupKey("webhook:generic", new string('x', 199) + "y", "ann@example.com"));
    }

    [Theory]
    [InlineData("secret", "secret", true)]
    [InlineData("secreT", "secret", false)]
    [InlineData("secret-longer", "secret", false)]
    [InlineData("", "secret", false)]
    [InlineData(null, "secret", false)]
    public void SecretsMatchOnlyExactly(string? presented, string expected, bool matches) => Assert.Equal(matches, SharedSecret.Matches(presented, expected));
}
