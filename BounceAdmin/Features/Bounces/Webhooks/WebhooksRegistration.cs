namespace BounceAdmin.Features.Bounces.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>The name of the HttpClient that fetches SNS signing certificates and confirms SNS subscriptions.</summary>
    public const string SnsHttpClient = "BounceAdmin.Webhooks.Sns";

    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddHttpClient(SnsHttpClient, c => c.Timeout = TimeSpan.FromSeconds(10));
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
