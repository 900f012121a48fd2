using System.Net;
using System.Text.Json;

namespace BounceAdmin.Tests.Features.Bounces.Webhooks;

/// <summary>Reading the JSON summary a webhook answers with.</summary>
internal static class WebhookAssertions
{
    public static async Task<(int Applied, int Duplicates, int Unmatched, int NotBounces, int Ignored)> SummaryAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = json.RootElement;
        return (r.GetProperty("applied").GetInt32(), r.GetProperty("duplicates").GetInt32(), r.GetProperty("unmatched").GetInt32(),
            r.GetProperty("notBounces").GetInt32(), r.GetProperty("ignored").GetInt32());
    }
}
