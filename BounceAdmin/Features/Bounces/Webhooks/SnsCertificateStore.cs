using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// SNS signing certificates by URL, fetched over https through <see cref="IHttpClientFactory"/> and kept: SNS signs
/// with a handful of certificates that change rarely, so one fetch serves many messages. The URL is checked by the
/// caller (<see cref="SnsMessage.IsSnsUrl"/>) before anything is fetched.
/// </summary>
public sealed class SnsCertificateStore(IHttpClientFactory httpClients, TimeProvider clock)
{
    private const int MaxCertificates = 32;
    private const int MaxPemBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);

    /// <summary>The certificate at <paramref name="url"/>, current (within its validity), or null when it has expired.</summary>
    /// <exception cref="HttpRequestException">It could not be fetched.</exception>
    /// <exception cref="CryptographicException">What was fetched is not a PEM certificate.</exception>
    public async Task<X509Certificate2?> GetAsync(string url, CancellationToken ct)
    {
        if (!_certificates.TryGetValue(url, out var certificate))
        {
            certificate = await FetchAsync(url, ct);
            if (_certificates.Count >= MaxCertificates)
            {
                // A bound against a flood of distinct (valid-host) URLs; SNS itself uses very few.
                _certificates.Clear();
            }

            _certificates[url] = certificate;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        return now >= certificate.NotBefore.ToUniversalTime() && now <= certificate.NotAfter.ToUniversalTime() ? certificate : null;
    }

    private async Task<X509Certificate2> FetchAsync(string url, CancellationToken ct)
    {
        var client = httpClients.CreateClient(WebhooksRegistration.SnsHttpClient);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxPemBytes)
        {
            throw new HttpRequestException("The signing certificate is implausibly large.");
        }

        var pem = await response.Content.ReadAsStringAsync(ct);
        return X509Certificate2.CreateFromPem(pem);
    }
}
