namespace ByokGateway.Security;

public static class OutboundGuardExtensions
{
    public static TBuilder AddOutboundGuard<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<OutboundGuardOptions>().BindConfiguration(OutboundGuardOptions.SectionName);
        builder.Services.AddSingleton<IDnsResolver, SystemDnsResolver>();
        builder.Services.AddSingleton<OutboundGuard>();
        return builder;
    }
}
