using System.Net;
using System.Text;
using BounceAdmin.Tests.EndToEnd;
using BounceAdmin.Tests.TestInfrastructure;
using BounceAdmin.Tests.Web;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>
/// The app as configured for Development (appsettings.Development.json): SES and SendGrid need real provider keys and stay
/// off (404); the demo-secret endpoints answer, and a webhook needs no login or antiforgery token.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class WebhookAvailabilityTests(BounceAdminFactory app)
{
    [Theory]
    [InlineData("/api/webhooks/ses")]
    [InlineData("/api/webhooks/sendgrid")]
    public async Task AnUnconfiguredProviderIsNotFound(string url)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync(url, new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheDevelopmentDemoTokenWorksWithoutLoginOrAntiforgery()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new StringContent("[]", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "demo-generic-token");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The curl example of the webhooks README, byte for byte, against the Development configuration.</summary>
    [Fact]
    public async Task TheReadmeExampleAnswersAsDocumented()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(E2EEnvironment.RepoRoot, "BounceAdmin", "Features", "Bounces", "Webhooks", "README.md"));
        var body = readme[(readme.IndexOf("-d '", StringComparison.Ordinal) + 4)..];
        body = body[..body.IndexOf("'\n", StringComparison.Ordinal)];
        using var client = app.CreateClient();

        async Task<string> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", "demo-generic-token");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Equal("{\"applied\":0,\"duplicates\":0,\"unmatched\":1,\"notBounces\":1,\"ignored\":0,\"held\":0}", await PostAsync());
        Assert.Equal("{\"applied\":0,\"duplicates\":2,\"unmatched\":0,\"notBounces\":0,\"ignored\":0,\"held\":0}", await PostAsync());
        Assert.Contains("{\"applied\":0,\"duplicates\":0,\"unmatched\":1,\"notBounces\":1,\"ignored\":0,\"held\":0}", readme);
    }
}
