using System.Text.Json.Nodes;
using KeycloakEmulator.Http;
using KeycloakEmulator.Profile;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Testing;
using KeycloakEmulator.Tokens;

namespace KeycloakEmulator.Admin;

/// <summary>The Admin REST API for users, with UsersResource/UserResource semantics of Keycloak 26, including their admin events.</summary>
internal static class UsersEndpoints
{
    // Keycloak's built-in required actions; PUT replaces the user's set with the known ones it lists.
    private static readonly string[] KnownRequiredActions =
        ["CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD", "UPDATE_PROFILE", "VERIFY_EMAIL", "delete_credential", "update_user_locale", "webauthn-register", "webauthn-register-passwordless", "VERIFY_PROFILE", "UPDATE_EMAIL", "CONFIGURE_RECOVERY_AUTHN_CODES"];

    public static RouteGroupBuilder MapUsersEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users", List);
        admin.MapGet("/users/count", Count);
        admin.MapPost("/users", CreateAsync);
        admin.MapGet("/users/{id}", Get);
        admin.MapPut("/users/{id}", UpdateAsync);
        admin.MapDelete("/users/{id}", Delete);
        admin.MapPut("/users/{id}/reset-password", ResetPasswordAsync);
        return admin;
    }

    private static IResult List(HttpContext context, RequestCounters counters)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanQueryUsers(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        counters.UserListRead();
        var query = context.Request.Query;
        var first = int.TryParse(query["first"], out var f) && f > 0 ? f : 0;
        var max = int.TryParse(query["max"], out var m) && m >= 0 ? m : 100;
        var brief = bool.TryParse(query["briefRepresentation"], out var b) && b;
        lock (realm.Gate)
        {
            IEnumerable<UserRecord> users;
            if (query["search"].ToString() is { } search && search.StartsWith("id:", StringComparison.Ordinal))
            {
                users = realm.Users.TryGetValue(search[3..].Trim(), out var byId) ? [byId] : [];
            }
            else
            {
                users = UserSearch.From(query).Apply(realm.Users.Values);
            }

            var page = users.Skip(first).Take(max)
                .Select(u => (JsonNode)(brief ? UserRepresentation.Brief(realm, u, caller) : UserRepresentation.Full(realm, u, caller)));
            return KeycloakErrors.Json(new JsonArray(page.ToArray()));
        }
    }

    private static IResult Count(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanQueryUsers(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        lock (realm.Gate)
        {
            return KeycloakErrors.Json(JsonValue.Create(UserSearch.From(context.Request.Query).Apply(realm.Users.Values).Count()));
        }
    }

    private static IResult Get(string id, HttpContext context, RequestCounters counters)
    {
        var (realm, caller) = AdminContext.Of(context);
        counters.UserRead(id);
        lock (realm.Gate)
        {
            if (Find(realm, caller, id) is { } missing)
            {
                return missing;
            }

            return caller.CanViewUsers(realm) ? KeycloakErrors.Json(UserRepresentation.Full(realm, realm.Users[id], caller)) : KeycloakErrors.Forbidden();
        }
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, RequestCounters counters, BruteForceProtector bruteForce)
    {
        var (realm, caller) = AdminContext.Of(context);
        var input = await UserInput.ReadAsync(context.Request, context.RequestAborted);
        lock (realm.Gate)
        {
            if (Find(realm, caller, id) is { } missing)
            {
                return missing;
            }

            if (!caller.CanManageUsers(realm))
            {
                return KeycloakErrors.Forbidden();
            }

            if (input is null)
            {
                return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "Cannot parse the JSON");
            }

            counters.UserWrite(id);
            var user = realm.Users[id];
            if (input.Enabled == true)
            {
                bruteForce.Clear(realm, user);
            }

            var attributes = input.RawAttributes();
            if (input.Attributes is null)
            {
                // UserResource.updateUser: without an attribute map the stored attributes stay (and are validated as they are).
                foreach (var (name, values) in user.AllAttributes())
                {
                    attributes.TryAdd(name, values);
                }
            }

            var profile = AdminUserProfile.Create(realm.UserProfile, realm.Settings, attributes, user);
            if (ValidationResult(profile, realm) is { } invalid)
            {
                return invalid;
            }

            profile.ApplyTo(user, removeAttributes: input.Attributes is not null);
            ApplyRepresentation(user, input, isUpdate: true);
            AdminEventRecorder.Record(context, realm, caller, "UPDATE", "USER", $"users/{id}", input.Body);
            return Results.NoContent();
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TimeProvider time)
    {
        var (realm, caller) = AdminContext.Of(context);
        var input = await UserInput.ReadAsync(context.Request, context.RequestAborted);
        lock (realm.Gate)
        {
            if (!caller.CanManageUsers(realm))
            {
                return KeycloakErrors.Forbidden();
            }

            if (input is null)
            {
                return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "Cannot parse the JSON");
            }

            var profile = AdminUserProfile.Create(realm.UserProfile, realm.Settings, input.RawAttributes(), null);
            if (ValidationResult(profile, realm) is { } invalid)
            {
                return invalid;
            }

            var user = new UserRecord
            {
                Id = Guid.NewGuid().ToString(),
                Username = profile.Attributes["username"][0],
                CreatedTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
                // A user created through the Admin API starts disabled unless the body says otherwise.
                Enabled = false,
            };
            user.RoleMappings.Add(RoleRef.Realm(realm.DefaultRoleName));
            profile.ApplyTo(user, removeAttributes: false);
            ApplyRepresentation(user, input, isUpdate: false);
            realm.Users[user.Id] = user;
            AdminEventRecorder.Record(context, realm, caller, "CREATE", "USER", $"users/{user.Id}", input.Body);
            var location = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path.Value!.TrimEnd('/')}/{user.Id}";
            return Results.Created(location, null);
        }
    }

    private static IResult Delete(string id, HttpContext context, RequestCounters counters)
    {
        var (realm, caller) = AdminContext.Of(context);
        lock (realm.Gate)
        {
            if (Find(realm, caller, id) is { } missing)
            {
                return missing;
            }

            if (!caller.CanManageUsers(realm))
            {
                return KeycloakErrors.Forbidden();
            }

            counters.UserWrite(id);
            realm.Users.Remove(id);
            AdminEventRecorder.Record(context, realm, caller, "DELETE", "USER", $"users/{id}");
            return Results.NoContent();
        }
    }

    private static async Task<IResult> ResetPasswordAsync(string id, HttpContext context, RequestCounters counters)
    {
        var (realm, caller) = AdminContext.Of(context);
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "Cannot parse the JSON");
        }

        lock (realm.Gate)
        {
            if (Find(realm, caller, id) is { } missing)
            {
                return missing;
            }

            if (!caller.CanManageUsers(realm))
            {
                return KeycloakErrors.Forbidden();
            }

            var value = body?["value"]?.ToString();
            if (value is null)
            {
                return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "No password provided");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "Empty password not allowed");
            }

            counters.UserWrite(id);
            var user = realm.Users[id];
            user.Password = value;
            user.RequiredActions.Remove("UPDATE_PASSWORD");
            if (body?["temporary"]?.GetValue<bool>() == true)
            {
                user.RequiredActions.Add("UPDATE_PASSWORD");
            }

            AdminEventRecorder.Record(context, realm, caller, "ACTION", "USER", $"users/{id}/reset-password");
            return Results.NoContent();
        }
    }

    /// <summary>UsersResource.user(id): an unknown id is 404 for callers who may query users and 403 for others, so ids cannot be probed.</summary>
    private static IResult? Find(RealmState realm, AdminIdentity caller, string id) =>
        realm.Users.ContainsKey(id) ? null : caller.CanQueryUsers(realm) ? KeycloakErrors.NotFound("User not found") : KeycloakErrors.Forbidden();

    /// <summary>UserResource.validateUserProfile: a few messages have their own answers, the rest are ErrorRepresentations.</summary>
    private static IResult? ValidationResult(AdminUserProfile profile, RealmState realm)
    {
        var errors = profile.Validate(realm.FindByUsername, realm.FindByEmail);
        foreach (var error in errors)
        {
            switch (error.ErrorMessage)
            {
                case "missingUsernameMessage":
                    return KeycloakErrors.ErrorMessage(StatusCodes.Status400BadRequest, "User name is missing");
                case "usernameExistsMessage":
                    return KeycloakErrors.ErrorMessage(StatusCodes.Status409Conflict, "User exists with same username");
                case "emailExistsMessage":
                    return KeycloakErrors.ErrorMessage(StatusCodes.Status409Conflict, "User exists with same email");
            }
        }

        return errors.Count > 0 ? KeycloakErrors.Validation(errors) : null;
    }

    /// <summary>UserResource.updateUserFromRep and createCredentials: the non-profile fields of the body.</summary>
    private static void ApplyRepresentation(UserRecord user, UserInput input, bool isUpdate)
    {
        if (input.Enabled is { } enabled)
        {
            user.Enabled = enabled;
        }

        if (input.EmailVerified is { } verified)
        {
            user.EmailVerified = verified;
        }

        if (input.RequiredActions is { } actions)
        {
            foreach (var action in KnownRequiredActions)
            {
                if (actions.Contains(action))
                {
                    if (!user.RequiredActions.Contains(action))
                    {
                        user.RequiredActions.Add(action);
                    }
                }
                else if (isUpdate)
                {
                    user.RequiredActions.Remove(action);
                }
            }
        }

        if (input.Password is { } password)
        {
            user.Password = password.Value;
            if (password.Temporary && !user.RequiredActions.Contains("UPDATE_PASSWORD"))
            {
                user.RequiredActions.Add("UPDATE_PASSWORD");
            }
        }
    }
}
