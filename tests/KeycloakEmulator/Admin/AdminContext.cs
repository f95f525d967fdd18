using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>
/// Authenticates every <c>/admin/realms/{realm}</c> request (401 before anything else) and resolves the target
/// realm (404 "Realm not found." after), leaving both on the HttpContext for the handlers.
/// </summary>
internal static class AdminContext
{
    private const string Key = "keycloak-emulator.admin";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/realms/{realm}");
        admin.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var caller = context.RequestServices.GetRequiredService<AdminAuthenticator>().Authenticate(context);
            if (caller is null)
            {
                return KeycloakErrors.Unauthorized();
            }

            var name = context.Request.RouteValues["realm"]?.ToString() ?? "";
            if (context.RequestServices.GetRequiredService<RealmStore>().Find(name) is not { } realm)
            {
                return KeycloakErrors.NotFound("Realm not found.");
            }

            context.Items[Key] = (realm, caller);
            return await next(invocation);
        });
        admin.MapUsersEndpoints();
        admin.MapUserProfileEndpoints();
        admin.MapAdminEventsEndpoints();
        return admin;
    }

    public static (RealmState Realm, AdminIdentity Caller) Of(HttpContext context) => ((RealmState, AdminIdentity))context.Items[Key]!;
}
