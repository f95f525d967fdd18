using System.Security.Claims;
using System.Text.Json;
using ByokGateway.Auth;
using ByokGateway.Crypto;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.Providers;
using ByokGateway.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keys;

/// <summary>The BYOK management REST API (DESIGN.md §5), mounted at <c>/api/v1/byok</c>.</summary>
public static class ByokApi
{
    public static IEndpointRouteBuilder MapByokApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/byok")
            .RequireAuthorization(ByokAuthExtensions.UserPolicy)
            .RequireCors(CorsExtensions.PolicyName)
            .WithTags("BYOK keys");

        group.MapGet("/providers", GetProvidersAsync).WithName("ListProviders");
        group.MapGet("/keys", GetKeysAsync).WithName("ListKeys");
        group.MapPost("/keys/add", AddKeyAsync).WithName("AddKey").Accepts<AddKeyRequest>("application/json");
        group.MapDelete("/keys/{provider}", DeleteKeyAsync).WithName("DeleteKey");
        group.MapPost("/keys/test/{provider}", TestKeyAsync).WithName("TestKey");
        group.MapGet("/stats", GetStatsAsync).WithName("GetStats");
        return app;
    }

    public static async Task<Ok<ProviderResponse[]>> GetProvidersAsync(ClaimsPrincipal user, [AsParameters] ByokServices services, CancellationToken cancellationToken)
    {
        var record = await services.LoadAsync(user, cancellationToken);
        return TypedResults.Ok(services.Catalog.All
            .Select(p => new ProviderResponse(p.Id, p.Name, p.KeyPrefix, record.Find(p.Id) is not null))
            .ToArray());
    }

    public static async Task<Ok<KeyResponse[]>> GetKeysAsync(ClaimsPrincipal user, [AsParameters] ByokServices services, CancellationToken cancellationToken)
    {
        var record = await services.LoadAsync(user, cancellationToken);
        var keys = new List<KeyResponse>();
        foreach (var provider in services.Catalog.All)
        {
            if (record.Find(provider.Id) is not { } stored)
            {
                continue;
            }

            // A key that no configured encryption key opens is listed fully masked rather than
            // hidden, so the user can see it exists and replace or delete it.
            var preview = services.Keys.TryDecrypt(stored.Ciphertext, out var plaintext) ? KeyMask.Mask(plaintext) : KeyMask.Hidden;
            keys.Add(new KeyResponse(
                provider.Id,
                provider.Name,
                preview,
                stored.Label,
                FormatDate(stored.AddedDate),
                FormatDate(stored.LastTested),
                stored.TestStatus));
        }

        return TypedResults.Ok(keys.ToArray());
    }

    public static async Task<Results<Ok<AddKeyResponse>, ProblemHttpResult>> AddKeyAsync(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] ByokServices services, CancellationToken cancellationToken)
    {
        var (body, parseError) = await ApiRequestBody.ReadObjectAsync(request, "{\"provider\":\"openai\",\"key\":\"sk-...\"}", cancellationToken);
        if (parseError is not null)
        {
            return parseError;
        }

        var (input, errors) = await ValidateAsync(body!.Value, services, cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        // Order: authentication, validation, then the write permit, so malformed requests cost
        // nothing; the account itself is checked on the fresh read inside the update.
        var userId = ByokAuthExtensions.UserId(user);
        if (services.Limits.AcquireWrite(userId, request.HttpContext.Response) is { } limited)
        {
            return limited;
        }

        var ciphertext = services.Keys.Encrypt(input.Key);

        // The tier is checked on the fresh read inside the update, so an upgrade applies at once.
        var tierProblem = await services.Store.UpdateAsync(
            userId,
            (current, editor) =>
            {
                if (services.TierProblem(current) is { } problem)
                {
                    return problem;
                }

                editor.StoreKey(input.Provider.Id, ciphertext, input.Label, input.Endpoint, services.Time.GetUtcNow());
                return null;
            },
            cancellationToken);
        if (tierProblem is not null)
        {
            return tierProblem;
        }

        services.Audit.KeyAdded(userId, input.Provider.Id);
        return TypedResults.Ok(new AddKeyResponse("API key added successfully", input.Provider.Id, input.Provider.Name));
    }

    public static async Task<Results<Ok<DeleteKeyResponse>, ProblemHttpResult>> DeleteKeyAsync(
        string provider, ClaimsPrincipal user, HttpResponse response, [AsParameters] ByokServices services, CancellationToken cancellationToken)
    {
        if (!services.Catalog.TryGet(provider, out var entry))
        {
            return UnknownProvider(provider);
        }

        // Deleting needs no tier: a user whose tier dropped must still be able to remove a key.
        var userId = ByokAuthExtensions.UserId(user);
        if (services.Limits.AcquireWrite(userId, response) is { } limited)
        {
            return limited;
        }

        var removed = await services.Store.UpdateAsync(
            userId,
            (current, editor) =>
            {
                if (current.Find(entry.Id) is null)
                {
                    return false;
                }

                editor.RemoveKey(entry.Id);
                return true;
            },
            cancellationToken);
        if (!removed)
        {
            return ApiProblems.NotFound($"No API key is stored for {entry.Name}.");
        }

        services.Audit.KeyRemoved(userId, entry.Id);
        return TypedResults.Ok(new DeleteKeyResponse("API key removed successfully", entry.Id));
    }

    public static async Task<Results<Ok<TestKeyResponse>, ProblemHttpResult>> TestKeyAsync(
        string provider, ClaimsPrincipal user, HttpResponse response, [AsParameters] ByokServices services, KeyTester tester, CancellationToken cancellationToken)
    {
        if (!services.Catalog.TryGet(provider, out var entry))
        {
            return UnknownProvider(provider);
        }

        // Everything that can refuse the test runs before the provider is called and before the
        // test counts against the user's limit: the cached record answers the cheap refusals, an
        // exhausted limit is answered without touching Keycloak, and a fresh read proves Keycloak
        // can store the result (503 otherwise) and yields the key as it is now.
        var userId = ByokAuthExtensions.UserId(user);
        if (Untestable(await services.LoadAsync(user, cancellationToken), entry, services) is { } cachedProblem)
        {
            return cachedProblem;
        }

        if (services.Limits.CheckTest(userId, response) is { } exhausted)
        {
            return exhausted;
        }

        var record = await services.LoadFreshAsync(user, cancellationToken);
        if (Untestable(record, entry, services) is { } problem)
        {
            return problem;
        }

        if (services.Limits.AcquireTest(userId, response) is { } limited)
        {
            return limited;
        }

        var stored = record.Find(entry.Id)!;
        var result = services.Keys.TryDecrypt(stored.Ciphertext, out var key)
            ? await tester.TestAsync(entry, key, stored.Endpoint, cancellationToken)
            : new KeyTestResult(KeyTestResult.Error, "The stored key cannot be decrypted with the gateway's encryption keys; add the key again.", "decryption failed");

        var saved = true;
        try
        {
            await services.Store.UpdateAsync(
                userId,
                (current, editor) =>
                {
                    // Only record the result against the key that was tested, not one that replaced it meanwhile.
                    if (current.Find(entry.Id)?.Ciphertext == stored.Ciphertext)
                    {
                        editor.StoreTestResult(entry.Id, result.Status, services.Time.GetUtcNow());
                    }

                    return true;
                },
                cancellationToken);
        }
        catch (KeycloakUnavailableException)
        {
            // Keycloak went away after the read: the provider's verdict is still the user's to see.
            saved = false;
        }

        services.Audit.KeyTested(userId, entry.Id, result.Status);
        var message = saved ? result.Message : result.Message + " " + TestNotSavedNote;
        return TypedResults.Ok(new TestKeyResponse(entry.Id, result.Status, message, result.Details, saved));
    }

    private const string TestNotSavedNote =
        "The result was not saved because the gateway cannot reach Keycloak right now; the key list still shows the previous result.";

    /// <summary>Why this record's key for the provider cannot be tested (tier, no key), or null.</summary>
    private static ProblemHttpResult? Untestable(ByokRecord record, Provider provider, ByokServices services) =>
        services.TierProblem(record)
        ?? (record.Find(provider.Id) is null ? ApiProblems.NotFound($"No API key is stored for {provider.Name}; add one first.") : null);

    public static async Task<Ok<StatsResponse>> GetStatsAsync(ClaimsPrincipal user, [AsParameters] ByokServices services, [FromServices] ILedgerQueries ledger, CancellationToken cancellationToken)
    {
        var record = await services.LoadAsync(user, cancellationToken);
        var now = services.Time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var month = await ledger.TotalsAsync(record.UserId, monthStart, monthStart.AddMonths(1), cancellationToken);
        var stored = services.Catalog.All.Select(p => record.Find(p.Id)).OfType<StoredKey>().ToList();
        var required = services.Options.Value.RequiredTier;
        return TypedResults.Ok(new StatsResponse(
            services.Catalog.All.Count,
            stored.Count,
            stored.Count(k => k.TestStatus is not null),
            stored.Count(k => k.TestStatus == KeyTestResult.Valid),
            record.Tier,
            Tiers.Satisfies(record.Tier, required),
            required,
            month.Requests,
            month.InputTokens,
            month.OutputTokens));
    }

    private static ProblemHttpResult UnknownProvider(string provider) =>
        ApiProblems.BadRequest($"Unknown provider '{Truncate(provider)}'. GET /api/v1/byok/providers lists the supported ones.");

    private static async Task<(ValidKey Input, Dictionary<string, List<string>> Errors)> ValidateAsync(
        JsonElement body, ByokServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        string? ReadString(string field, bool required)
        {
            if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Fail(field, $"'{field}' is required.");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Fail(field, $"'{field}' must be a string.");
                return null;
            }

            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                // Valid JSON syntax, but no text: invalid UTF-8 bytes or an escaped lone surrogate ("\ud800").
                Fail(field, $"'{field}' is not valid text: it contains invalid UTF-8 or an unpaired surrogate escape such as \\ud800.");
                return null;
            }
        }

        var providerId = ReadString("provider", required: true);
        var key = ReadString("key", required: true);
        var label = ReadString("label", required: false);
        var endpoint = ReadString("endpoint", required: false);

        Provider? provider = null;
        if (providerId is not null && !services.Catalog.TryGet(providerId, out provider))
        {
            Fail("provider", $"Unknown provider '{Truncate(providerId)}'. GET /api/v1/byok/providers lists the supported ones.");
        }

        if (key is not null && provider is not null)
        {
            foreach (var problem in KeyValidator.ValidateKey(key, provider))
            {
                Fail("key", problem);
            }
        }

        if (label is not null)
        {
            foreach (var problem in KeyValidator.ValidateLabel(label))
            {
                Fail("label", problem);
            }
        }

        if (provider is { UserEndpoint: true })
        {
            if (string.IsNullOrWhiteSpace(endpoint))
            {
                Fail("endpoint", $"'endpoint' is required for {provider.Name}: the base URL of your OpenAI-compatible API, e.g. https://llm.example.com/v1.");
            }
            else if (await services.Guard.ValidateEndpointAsync(endpoint, cancellationToken) is { } endpointProblem)
            {
                Fail("endpoint", endpointProblem);
            }
        }
        else if (provider is not null && endpoint is not null)
        {
            Fail("endpoint", $"{provider.Name} does not take an endpoint; it is only for custom providers.");
        }

        return (new ValidKey(provider!, key!, string.IsNullOrEmpty(label) ? null : label, provider is { UserEndpoint: true } ? endpoint?.TrimEnd('/') : null), errors);
    }

    private static string? FormatDate(DateTimeOffset? value) => value is { } date ? ByokAttributes.FormatDate(date) : null;

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private sealed record ValidKey(Provider Provider, string Key, string? Label, string? Endpoint);
}
