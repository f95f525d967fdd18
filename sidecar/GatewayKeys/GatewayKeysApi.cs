using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using ByokGateway.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Creating, listing and revoking gateway keys (DESIGN.md §10) under <c>/api/v1/byok/tokens</c>.
/// Like the rest of the management API it needs a Keycloak access token: the realm-user policy
/// refuses gateway keys, so a leaked key cannot mint more.
/// </summary>
public static class GatewayKeysApi
{
    public static IEndpointRouteBuilder MapGatewayKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/byok")
            .RequireAuthorization(ByokAuthExtensions.UserPolicy)
            .RequireCors(CorsExtensions.PolicyName)
            .WithTags("Gateway keys");

        group.MapPost("/tokens", CreateAsync).WithName("CreateGatewayKey").Accepts<CreateGatewayKeyRequest>("application/json");
        group.MapGet("/tokens", ListAsync).WithName("ListGatewayKeys");
        group.MapDelete("/tokens/{id}", RevokeAsync).WithName("RevokeGatewayKey");
        return app;
    }

    public static async Task<Results<Created<CreateGatewayKeyResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        KeyStore store,
        IOptions<GatewayKeysOptions> options,
        TimeProvider time,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (body, parseError) = await ApiRequestBody.ReadObjectAsync(request, "{\"name\":\"laptop CLI\",\"expires_in_days\":90}", cancellationToken);
        if (parseError is not null)
        {
            return parseError;
        }

        var (name, days, errors) = Validate(body!.Value);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        var userId = ByokAuthExtensions.UserId(user);
        if (GatewayKeyFormat.UserGuid(userId) is not { } userGuid)
        {
            return ApiProblems.Forbidden(
                "Gateway keys need a Keycloak user id in UUID form; your account comes from a user federation that does not keep users in Keycloak. Use a Keycloak access token instead.");
        }

        var max = options.Value.MaxPerUser;
        var (problem, created, token) = await store.UpdateAsync(
            userId,
            (current, editor) =>
            {
                if (!current.Enabled)
                {
                    return (ApiProblems.Forbidden("Your Keycloak account is disabled; ask an administrator."), null, null);
                }

                if (current.GatewayKeys.Count >= max)
                {
                    return (LimitReached(max), null, null);
                }

                // Generated inside the update: a retried update makes a new key, and the one returned is the one stored.
                var made = GatewayKeyFormat.Create(userGuid);
                var now = time.GetUtcNow();
                var stored = new StoredGatewayKey(NewId(current), made.SecretHash, name!, made.Preview, now, now.AddDays(days), null);
                editor.StoreGatewayKey(stored);
                return ((ProblemHttpResult?)null, (StoredGatewayKey?)stored, (string?)made.Token);
            },
            cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var expires = ByokAttributes.FormatDate(created!.Expires);
        audit.GatewayKeyCreated(userId, created.Id, expires);
        return TypedResults.Created(
            (string?)null,
            new CreateGatewayKeyResponse(created.Id, created.Name, token!, ByokAttributes.FormatDate(created.Created), expires));
    }

    public static async Task<Ok<GatewayKeyResponse[]>> ListAsync(ClaimsPrincipal user, KeyStore store, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(ByokAuthExtensions.UserId(user), cancellationToken) ?? throw new UserNotFoundException();
        return TypedResults.Ok(record.GatewayKeys
            .Select(k => new GatewayKeyResponse(
                k.Id,
                k.Name,
                k.Preview,
                ByokAttributes.FormatDate(k.Created),
                ByokAttributes.FormatDate(k.Expires),
                k.LastUsed is { } day ? ByokAttributes.FormatDay(day) : null))
            .ToArray());
    }

    public static async Task<Results<Ok<RevokeGatewayKeyResponse>, ProblemHttpResult>> RevokeAsync(
        string id, ClaimsPrincipal user, KeyStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!ByokAttributes.IsGatewayKeyId(id))
        {
            return NoSuchKey(id);
        }

        // Revoking needs neither tier nor an enabled account: removing a credential is always allowed.
        var userId = ByokAuthExtensions.UserId(user);
        var removed = await store.UpdateAsync(
            userId,
            (current, editor) =>
            {
                if (current.FindGatewayKey(id) is null)
                {
                    return false;
                }

                editor.RemoveGatewayKey(id);
                return true;
            },
            cancellationToken);
        if (!removed)
        {
            return NoSuchKey(id);
        }

        audit.GatewayKeyRevoked(userId, id);
        return TypedResults.Ok(new RevokeGatewayKeyResponse("Gateway key revoked", id));
    }

    private static ProblemHttpResult LimitReached(int max) => ApiProblems.Problem(
        StatusCodes.Status409Conflict,
        "Too many gateway keys",
        $"You already have {max} gateway keys, the most one account may hold. Revoke one you no longer use (DELETE /api/v1/byok/tokens/{{id}}), then create the new one.",
        new Dictionary<string, object?> { ["limit"] = max });

    private static ProblemHttpResult NoSuchKey(string id) =>
        ApiProblems.NotFound($"You have no gateway key with id '{(id.Length <= 40 ? id : id[..40] + "…")}'. GET /api/v1/byok/tokens lists yours.");

    private static string NewId(ByokRecord current)
    {
        while (true)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(ByokAttributes.GatewayKeyIdLength / 2));
            if (current.FindGatewayKey(id) is null)
            {
                return id;
            }
        }
    }

    private static (string? Name, int Days, Dictionary<string, List<string>> Errors) Validate(JsonElement body)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        string? name = null;
        if (!body.TryGetProperty("name", out var nameValue) || nameValue.ValueKind == JsonValueKind.Null)
        {
            Fail("name", "'name' is required: name the tool or machine the key is for, e.g. \"laptop CLI\".");
        }
        else if (nameValue.ValueKind != JsonValueKind.String)
        {
            Fail("name", "'name' must be a string.");
        }
        else if (!TryGetText(nameValue, out name))
        {
            Fail("name", "'name' is not valid text (it contains a broken surrogate pair).");
        }
        else
        {
            foreach (var problem in GatewayKeyValidator.ValidateName(name))
            {
                Fail("name", problem);
            }
        }

        var days = GatewayKeyValidator.DefaultExpiryDays;
        if (body.TryGetProperty("expires_in_days", out var daysValue) && daysValue.ValueKind != JsonValueKind.Null)
        {
            if (daysValue.ValueKind != JsonValueKind.Number || !daysValue.TryGetInt32(out days))
            {
                Fail("expires_in_days", $"'expires_in_days' must be a whole number of days from 1 to {GatewayKeyValidator.MaxExpiryDays}.");
            }
            else
            {
                foreach (var problem in GatewayKeyValidator.ValidateExpiry(days))
                {
                    Fail("expires_in_days", problem);
                }
            }
        }

        return (name, days, errors);
    }

    // JSON may escape half of a surrogate pair ("\ud800"), which is no string .NET can hold.
    private static bool TryGetText(JsonElement value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}
