namespace ByokGateway.AdminEvents;

public static class AdminEventsExtensions
{
    /// <summary>
    /// Follows the realm's admin events so that changes made in Keycloak (tier, enabled, attributes, deleted
    /// users, key providers) reach the gateway within <see cref="AdminEventsOptions.PollInterval"/>.
    /// </summary>
    public static TBuilder AddAdminEvents<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AdminEventsOptions>().BindConfiguration(AdminEventsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<AdminEventsFollower>();
        return builder;
    }
}
