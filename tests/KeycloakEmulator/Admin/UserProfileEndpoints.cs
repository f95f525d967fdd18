using System.Text.Json;
using System.Text.Json.Nodes;
using KeycloakEmulator.Http;
using KeycloakEmulator.Profile;

namespace KeycloakEmulator.Admin;

/// <summary><c>/users/profile</c>: read with any realm-management role, replace with manage-realm (UserProfileResource).</summary>
internal static class UserProfileEndpoints
{
    public static RouteGroupBuilder MapUserProfileEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users/profile", Get);
        admin.MapPut("/users/profile", (Func<HttpContext, Task<IResult>>)UpdateAsync);
        return admin;
    }

    private static IResult Get(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.HasAnyAdminRole(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        lock (realm.Gate)
        {
            return KeycloakErrors.Json(realm.UserProfile.Raw.DeepClone());
        }
    }

    private static async Task<IResult> UpdateAsync(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanManageRealm(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        UserProfileConfig config;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw new UserProfileConfigException("UserProfile configuration is empty");
            config = UserProfileConfig.FromJson(body);
            Validate(config);
        }
        catch (JsonException)
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "Cannot parse the JSON");
        }
        catch (UserProfileConfigException e)
        {
            return KeycloakErrors.ErrorMessage(StatusCodes.Status400BadRequest, e.Message);
        }

        lock (realm.Gate)
        {
            // UserProfileResource.setAndGetConfiguration: an unchanged configuration is not stored again and records no event.
            if (!JsonNode.DeepEquals(realm.UserProfile.Raw, config.Raw))
            {
                realm.UserProfile = config;
                AdminEventRecorder.Record(context, realm, caller, "UPDATE", "USER_PROFILE", "users/profile", config.Raw);
            }

            return KeycloakErrors.Json(realm.UserProfile.Raw.DeepClone());
        }
    }

    /// <summary>The UPConfigUtils.validate rules the emulator checks.</summary>
    private static void Validate(UserProfileConfig config)
    {
        var errors = new List<string>();
        foreach (var required in new[] { "username", "email" })
        {
            if (!config.Attributes.ContainsKey(required))
            {
                errors.Add($"The attribute '{required}' can not be removed");
            }
        }

        foreach (var attribute in config.Attributes.Values)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(attribute.Name, "^[a-zA-Z0-9._-]+$"))
            {
                errors.Add($"Invalid attribute name (only letters, numbers and '.' '_' '-' special characters allowed): {attribute.Name}'");
            }

            foreach (var (kind, roles) in new[] { ("permissions.view", attribute.ViewRoles), ("permissions.edit", attribute.EditRoles), ("required.roles", attribute.RequiredRoles) })
            {
                foreach (var role in roles.Where(r => r is not ("admin" or "user")))
                {
                    errors.Add($"'{kind}' configuration for attribute '{attribute.Name}' contains unsupported role '{role}'");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new UserProfileConfigException("[" + string.Join(", ", errors) + "]");
        }
    }
}
