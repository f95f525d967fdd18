using ByokGateway.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ByokGateway.Billing;

public static class BillingExtensions
{
    /// <summary>
    /// The Lago export (DESIGN.md §12): its settings are always validated; the exporter runs only
    /// when <c>Billing:Lago:Url</c> is set.
    /// </summary>
    public static TBuilder AddBilling<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<LagoOptions>().BindConfiguration(LagoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LagoOptions>, LagoOptionsValidator>();
        if (builder.Configuration.GetSection(LagoOptions.SectionName)[nameof(LagoOptions.Url)] is not { Length: > 0 })
        {
            return builder;
        }

        // From now on the ledger keeps each usage record pending until Lago accepted it (the outbox);
        // records stored while billing was off are never billed later. Replace, so the order of
        // AddLedger and AddBilling does not matter.
        builder.Services.Replace(ServiceDescriptor.Singleton(BillingOutboxActivation.On));
        builder.Services.AddSingleton<BillingMetrics>();
        builder.Services.AddSingleton<SubscriptionIds>();
        builder.Services.AddHttpClient<LagoClient>((services, client) =>
        {
            var options = services.GetRequiredService<IOptions<LagoOptions>>().Value;
            client.BaseAddress = new Uri(options.Url!.ToString().TrimEnd('/') + "/");
            client.Timeout = options.RequestTimeout;
        });
        builder.Services.AddHostedService<LagoExporter>();
        return builder;
    }
}
