using ByokGateway.Observability;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ByokGateway.Ledger;

public static class LedgerExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// The usage ledger (DESIGN.md §12): the sink of every usage record and audit event, its
    /// background writer, its <c>/readyz</c> check, and the queries and billing outbox over it.
    /// </summary>
    public static TBuilder AddLedger<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddLedgerQueries();
        builder.Services.TryAddSingleton<LedgerMetrics>();
        builder.Services.TryAddSingleton<LedgerHealth>();
        builder.Services.TryAddSingleton<LedgerBuffer>();
        builder.Services.AddSingleton<IUsageSink>(services => services.GetRequiredService<LedgerBuffer>());
        builder.Services.AddSingleton<IAuditSink>(services => services.GetRequiredService<LedgerBuffer>());
        builder.Services.AddHostedService<LedgerWriter>();
        builder.Services.AddHealthChecks().AddCheck<LedgerHealthCheck>("ledger", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The store and its reads (<see cref="ILedgerQueries"/>, <see cref="IBillingOutbox"/>)
    /// without the writer: what the operator CLI needs.
    /// </summary>
    public static TBuilder AddLedgerQueries<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>());
        builder.Services.TryAddSingleton(BillingOutboxActivation.Off);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LedgerStore>(services =>
        {
            var options = services.GetRequiredService<IOptions<LedgerOptions>>().Value;
            var billing = services.GetRequiredService<BillingOutboxActivation>();
            var time = services.GetRequiredService<TimeProvider>();
            return options.UsesPostgres
                ? new PostgresLedgerStore(options.PostgresConnectionString!, billing, time)
                : new SqliteLedgerStore(options.DatabaseFile, billing, time);
        });
        builder.Services.TryAddSingleton<ILedgerQueries>(services => services.GetRequiredService<LedgerStore>());
        builder.Services.TryAddSingleton<IBillingOutbox>(services => services.GetRequiredService<LedgerStore>());
        return builder;
    }
}
