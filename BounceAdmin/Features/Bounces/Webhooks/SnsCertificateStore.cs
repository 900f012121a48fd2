using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BounceAdmin.Features.Bounces.Webhooks;

/// <summary>
/// SNS signing certificates by URL, fetched over https through <see cref="IHttpClientFactory"/> and kept: SNS signs
/// with a handful of certificates that change rarely, so one fetch serves many messages. The URL is checked by the
/// caller (<see cref="SnsMessage.IsSnsUrl"/>) before anything is fetched. The fetch follows no redirect (the client's
/// handler is set so), reads at most <see cref="MaxPemBytes"/> whatever the response claims, times out in seconds
/// (the client's timeout), and a URL that failed is not fetched again for <see cref="FailureCacheTime"/> — a flood of
/// forged messages naming a slow or broken URL costs one fetch, not one per message. A certificate whose subject is not
/// SNS's is refused.
/// </summary>
public sealed class SnsCertificateStore(IHttpClientFactory httpClients, TimeProvider clock)
{
    private const int MaxCertificates = 32;

    /// <summary>The largest certificate file read; SNS's are about 2 KB.</summary>
    public const int MaxPemBytes = 64 * 1024;

    /// <summary>How long a URL whose fetch failed is answered from memory (503) before it is tried again.</summary>
    public static readonly TimeSpan FailureCacheTime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, string Why)> _failures = new(StringComparer.Ordinal);

    /// <summary>The certificate at <paramref name="url"/>, current (within its validity), or null when it has expired.</summary>
    /// <exception cref="HttpRequestException">It could not be fetched (now or within the last minutes).</exception>
    /// <exception cref="CryptographicException">What was fetched is not a PEM certificate.</exception>
    /// <exception cref="SnsCertificateRejectedException">The certificate is not SNS's (its subject).</exception>
    public async Task<X509Certificate2?> GetAsync(string url, CancellationToken ct)
    {
        if (!_certificates.TryGetValue(url, out var certificate))
        {
            var now = clock.GetUtcNow();
            if (_failures.TryGetValue(url, out var failed) && failed.Until > now)
            {
                throw new HttpRequestException($"The certificate fetch failed recently ({failed.Why}); not retried before {failed.Until:u}.");
            }

            try
            {
                certificate = await FetchAsync(url, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or CryptographicException or SnsCertificateRejectedException
                                       || ex is TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (_failures.Count >= MaxCertificates * 4)
                {
                    _failures.Clear();
                }

                _failures[url] = (now + FailureCacheTime, ex.GetType().Name);
                throw;
            }

            _failures.TryRemove(url, out _);
            if (_certificates.Count >= MaxCertificates)
            {
                // A bound against a flood of distinct (valid-host) URLs; SNS itself uses very few.
                _certificates.Clear();
            }

            _certificates[url] = certificate;
        }

        var utcNow = clock.GetUtcNow().UtcDateTime;
        return utcNow >= certificate.NotBefore.ToUniversalTime() && utcNow <= certificate.NotAfter.ToUniversalTime() ? certificate : null;
    }

    private async Task<X509Certificate2> FetchAsync(string url, CancellationToken ct)
    {
        var client = httpClients.CreateClient(WebhooksRegistration.SnsHttpClient);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        // A redirect is not followed (the handler's AllowAutoRedirect is off) and lands here as a failure.
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxPemBytes)
        {
            throw new HttpRequestException("The signing certificate is implausibly large.");
        }

        // Read at most MaxPemBytes + 1 whatever the headers said (a chunked answer has no length).
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxPemBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        if (total > MaxPemBytes)
        {
            throw new HttpRequestException("The signing certificate is implausibly large.");
        }

        var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(buffer, 0, total));
        var host = new Uri(url).IdnHost;
        var subject = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!string.Equals(subject, "sns.amazonaws.com", StringComparison.OrdinalIgnoreCase) && !string.Equals(subject, host, StringComparison.OrdinalIgnoreCase))
        {
            certificate.Dispose();
            throw new SnsCertificateRejectedException($"the certificate's subject '{subject}' is not sns.amazonaws.com or {host}");
        }

        return certificate;
    }
}

/// <summary>The fetched certificate is not an SNS signing certificate (its subject names another host).</summary>
public sealed class SnsCertificateRejectedException(string message) : Exception(message);
