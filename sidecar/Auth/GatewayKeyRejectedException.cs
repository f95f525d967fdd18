using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.Auth;

/// <summary>
/// The authentication failure of a gateway key, carrying the answer the challenge writes (401 with
/// what to do, 403 for a disabled account, 503 when Keycloak cannot be asked). Its message is the
/// problem's detail: never the key.
/// </summary>
public sealed class GatewayKeyRejectedException(ProblemHttpResult problem)
    : Exception(problem.ProblemDetails.Detail)
{
    public ProblemHttpResult Problem { get; } = problem;
}
