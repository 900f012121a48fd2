using System.Net;
using System.Text.Json;

namespace BounceAdmin.Tests.Features.Api;

/// <summary>Issue 12 point 6: the OpenAPI document at /openapi/v1.json lists the API; the Scalar page serves in Development.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiTestFactory app)
{
    [Fact]
    public async Task TheDocumentListsTheMailabilityEndpointsAndTheBearerScheme()
    {
        using var client = app.ApiClient(null);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/people/{email}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/mailability").TryGetProperty("post", out var post));
        Assert.True(paths.GetProperty("/api/v1/suppressions").TryGetProperty("get", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("413", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("403", out _));
        Assert.Equal("mailability:read", post.GetProperty("security")[0].GetProperty("ApiKey")[0].GetString());
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/exports", StringComparison.Ordinal));
        var scheme = doc.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Equal("BounceAdmin API", doc.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task TheReferencePageServesInDevelopment()
    {
        using var client = app.ApiClient(null);

        using var response = await client.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html);
        Assert.Contains("scalar.js", html);
    }
}
