using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ByokGateway.Billing;

/// <summary>
/// Lago's events API, as its documentation and source define it (verified for this code):
/// <list type="bullet">
/// <item><c>POST {url}/api/v1/events/batch</c> with <c>Authorization: Bearer &lt;api key&gt;</c> and a JSON
/// body <c>{"events":[{transaction_id, external_subscription_id, code, timestamp, properties}]}</c>
/// (getlago.com/docs/api-reference/events/batch; lago-api <c>Api::V1::EventsController#batch_params</c>
/// permits exactly these fields plus <c>external_customer_id</c>).</item>
/// <item>At most 100 events per call (the docs; lago-api <c>Events::CreateBatchService::MAX_LENGTH</c>,
/// <c>LAGO_EVENTS_BATCH_MAX_LENGTH</c> default 100, over it: 422 <c>too_many_events</c>).</item>
/// <item><c>timestamp</c> is Unix seconds (the docs' example sends <c>$(date +%s)</c>; the service
/// parses it with <c>Float(...)</c>).</item>
/// <item>The batch is validated and saved in one transaction: a 422 (<c>validation_errors</c>, with
/// <c>error_details</c> keyed by the event's index) stores none of the events; 401 means a wrong API key.</item>
/// <item><c>transaction_id</c> is unique per subscription (unique index on organization,
/// external_subscription_id, transaction_id); a repeat is refused as <c>value_already_exist</c> /
/// <c>value_is_missing_or_already_exists</c>, which is why a repeat after a lost answer is harmless.</item>
/// </list>
/// </summary>
public sealed class LagoClient(HttpClient http, IOptions<LagoOptions> options)
{
    public const string BatchPath = "api/v1/events/batch";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public async Task<LagoSendResult> SendAsync(IReadOnlyList<LagoEvent> events, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BatchPath)
        {
            Content = JsonContent.Create(new EventBatch(events), options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new LagoSendResult(LagoSendOutcome.Accepted, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var outcome = response.StatusCode == HttpStatusCode.UnprocessableEntity && OnlyDuplicateTransactionIds(body)
                    ? LagoSendOutcome.Duplicate
                    : LagoSendOutcome.Rejected;
                return new LagoSendResult(outcome, $"HTTP {status} {ErrorCode(body)}".TrimEnd());
            }

            return new LagoSendResult(LagoSendOutcome.Failed, $"HTTP {status}");
        }
        catch (HttpRequestException e)
        {
            return new LagoSendResult(LagoSendOutcome.Failed, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LagoSendResult(LagoSendOutcome.Failed, "timeout");
        }
    }

    /// <summary>True when every error Lago names is about an existing <c>transaction_id</c>.</summary>
    internal static bool OnlyDuplicateTransactionIds(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error_details", out var details) || details.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var found = false;
            foreach (var (field, messages) in Fields(details))
            {
                if (field != "transaction_id" || messages.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (var message in messages.EnumerateArray())
                {
                    if (message.ValueKind != JsonValueKind.String || !message.GetString()!.Contains("already_exist", StringComparison.Ordinal))
                    {
                        return false;
                    }

                    found = true;
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // error_details is {"field":[...]} for one event and {"<index>":{"field":[...]}} for a batch.
    private static IEnumerable<(string Field, JsonElement Messages)> Fields(JsonElement details)
    {
        foreach (var property in details.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in property.Value.EnumerateObject())
                {
                    yield return (inner.Name, inner.Value);
                }
            }
            else
            {
                yield return (property.Name, property.Value);
            }
        }
    }

    /// <summary>Lago's error <c>code</c> (e.g. <c>validation_errors</c>), short and never the body itself.</summary>
    private static string ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() is { Length: <= 64 } text
                && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? text
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private sealed record EventBatch([property: JsonPropertyName("events")] IReadOnlyList<LagoEvent> Events);
}
