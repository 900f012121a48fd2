namespace BounceAdmin.Features.Bounces.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>The name of the HttpClient that fetches SNS signing certificates and confirms SNS subscriptions.</summary>
    public const string SnsHttpClient = "BounceAdmin.Webhooks.Sns";

    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        // SNS fetches: no redirect is followed (a certificate URL on an SNS host must not lead elsewhere), the connection is
        // set up within seconds, and the whole fetch times out after Webhooks:Ses:FetchTimeoutSeconds.
        services.AddHttpClient(SnsHttpClient)
            .ConfigureHttpClient((sp, c) => c.Timeout = TimeSpan.FromSeconds(Math.Clamp(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue.Ses.FetchTimeoutSeconds, 1, 60)))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                MaxResponseHeadersLength = 16,
            });
        services.AddScoped<WebhookApplier>();
        // Providers keep caches (SNS certificates, Mailgun's seen tokens) for the life of the app.
        services.AddSingleton<SnsCertificateStore>();
        services.AddSingleton<MailgunTokenCache>();
        services.AddSingleton<SesWebhook>();
        services.AddSingleton<SendGridWebhook>();
        services.AddSingleton<MailgunWebhook>();
        services.AddSingleton<PostmarkWebhook>();
        services.AddSingleton<GenericWebhook>();
        return services;
    }
}
