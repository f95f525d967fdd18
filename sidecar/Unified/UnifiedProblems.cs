using System.Globalization;
using ByokGateway.Hosting;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.Unified;

/// <summary>
/// The unified endpoint's own refusals: problem details whose <c>error</c> member is OpenAI's
/// (<c>message</c>, <c>type</c>, <c>param</c>, <c>code</c>), so OpenAI SDKs raise them with the
/// gateway's advice. Nothing was forwarded when one of these is answered.
/// </summary>
internal static class UnifiedProblems
{
    private const string Example = "openai/gpt-4o-mini";

    public static ProblemHttpResult NotJson() => Invalid(
        "The request body is not a JSON object. /v1 reads its top-level \"model\" member to choose the provider; send JSON such as {\"model\": \"" + Example + "\", ...}.",
        param: null, code: "invalid_json");

    public static ProblemHttpResult NotString() => Invalid(
        $"\"model\" must be a string naming the provider and its model, such as \"{Example}\".", "model", "invalid_model");

    public static ProblemHttpResult TooLong() => Invalid(
        $"\"model\" is longer than {ModelScanner.MaxModelBytes} bytes; no model has such a name. Write it as \"<provider>/<model>\", such as \"{Example}\".", "model", "invalid_model");

    public static ProblemHttpResult Missing(IReadOnlyList<Provider>? usable) => Invalid(
        $"The request has no top-level \"model\". Name the provider and its model as \"<provider>/<model>\", such as \"{Example}\". {Usable(usable)}".TrimEnd(),
        "model", "model_required");

    public static ProblemHttpResult Empty(IReadOnlyList<Provider>? usable) => Invalid(
        $"\"model\" is empty. Name the provider and its model as \"<provider>/<model>\", such as \"{Example}\". {Usable(usable)}".TrimEnd(),
        "model", "model_required");

    public static ProblemHttpResult EmptyModel(Provider provider) => Invalid(
        $"\"model\" names the provider '{provider.Id}' but no model after '{provider.Id}/'. Write it as \"{provider.Id}/<model>\".",
        "model", "invalid_model");

    public static ProblemHttpResult NoProvider(string model, IReadOnlyList<Provider>? usable) => Invalid(
        $"The model '{Shown(model)}' names no provider. Write it as \"<provider>/<model>\", such as \"{Example}\". {Usable(usable)}".TrimEnd(),
        "model", "model_not_found");

    public static ProblemHttpResult UnknownProvider(string prefix, IReadOnlyList<Provider>? usable) => Invalid(
        $"'{Shown(prefix)}' is not a provider of this gateway. Write the model as \"<provider>/<model>\", such as \"{Example}\". {Usable(usable)}".TrimEnd(),
        "model", "model_not_found");

    public static ProblemHttpResult NotCompatible(Provider provider) => Invalid(
        $"{provider.Name} has no OpenAI-compatible API in this gateway, so /v1 cannot reach it. Call it through its own route, /{provider.Id}/..., with its own API.",
        "model", "model_not_found");

    public static ProblemHttpResult TooFar(int maxBytes) => Problem(
        StatusCodes.Status413PayloadTooLarge, "Request too large",
        $"The top-level \"model\" must appear within the first {Megabytes(maxBytes)} of the body, so the gateway can choose the provider before forwarding it. Put \"model\" first, or send a smaller request.",
        "model", "request_too_large");

    public static ProblemHttpResult Compressed() => Problem(
        StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
        "/v1 reads the \"model\" member of the request to choose the provider and cannot read compressed bodies; send the JSON without Content-Encoding.",
        null, "unsupported_content_encoding");

    public static ProblemHttpResult ModelNotFound(string id) => Problem(
        StatusCodes.Status404NotFound, "Not found",
        $"The model '{Shown(id)}' is not in your model list (GET /v1/models lists the models of every provider you can use).",
        "model", "model_not_found");

    private static ProblemHttpResult Invalid(string detail, string? param, string code) =>
        Problem(StatusCodes.Status400BadRequest, "Bad request", detail, param, code);

    private static ProblemHttpResult Problem(int status, string title, string detail, string? param, string code) =>
        ApiProblems.Problem(status, title, detail, new Dictionary<string, object?> { ["error"] = ProviderErrorShape.Error(status, detail, param, code) });

    private static string Usable(IReadOnlyList<Provider>? usable) => usable is null ? string.Empty : usable.Count == 0
        ? "You have no provider to use yet: add a key on the 'API keys' page of your Keycloak account."
        : "Providers you can use: " + string.Join(", ", usable.Select(p => p.Id)) + ".";

    // The caller's own text, cut short so a huge value does not fill the message.
    private static string Shown(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private static string Megabytes(int bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";
}
