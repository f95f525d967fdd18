import type { ProblemDetails } from "./types";

/**
 * What went wrong, from the user's point of view. The page decides what to offer from this:
 * field messages for `validation`, a Retry button for `unavailable`, a sign-in prompt for
 * `session-expired`.
 */
export type ByokErrorKind =
  | "validation"
  | "bad-request"
  | "session-expired"
  | "forbidden"
  | "not-found"
  | "rate-limited"
  | "unavailable"
  | "server"
  | "unexpected";

/** Every failure of the BYOK client: an HTTP problem, a network failure or a lost session. */
export class ByokApiError extends Error {
  readonly kind: ByokErrorKind;
  /** HTTP status, or undefined when no response arrived (network failure, no token). */
  readonly status: number | undefined;
  readonly problem: ProblemDetails | undefined;
  /** Messages per request field (`key`, `label`, `endpoint`, `provider`), from a 422. */
  readonly fieldErrors: Readonly<Record<string, string[]>>;

  constructor(kind: ByokErrorKind, message: string, status?: number, problem?: ProblemDetails) {
    super(message);
    this.name = "ByokApiError";
    this.kind = kind;
    this.status = status;
    this.problem = problem;
    this.fieldErrors = normalizeFieldErrors(problem?.errors);
  }

  /** Whether trying the same call again later may succeed. */
  get retryable(): boolean {
    return this.kind === "unavailable" || this.kind === "server" || this.kind === "rate-limited";
  }
}

const UNREACHABLE =
  "The API keys service can't be reached right now. Check your connection and try again in a moment.";
const SESSION_EXPIRED = "Your session has expired. Sign in again to manage your API keys.";

/** A fetch that never produced a response: offline, DNS, refused connection, CORS. */
export function networkError(): ByokApiError {
  return new ByokApiError("unavailable", UNREACHABLE);
}

/** The token could not be obtained or refreshed, or the API still said 401 after a refresh. */
export function sessionExpiredError(status?: number): ByokApiError {
  return new ByokApiError("session-expired", SESSION_EXPIRED, status);
}

/** A 2xx whose body is not the JSON the contract promises. */
export function unexpectedResponseError(status: number): ByokApiError {
  return new ByokApiError(
    "unexpected",
    `The API keys service sent a response this page does not understand (HTTP ${status}). Try again; if it keeps happening, contact your administrator.`,
    status,
  );
}

/**
 * Maps an error response to words a user understands. Only the problem's own `title`,
 * `detail` and `errors` are shown: the sidecar writes them for users and keeps secrets and
 * internal exception text out of them. Anything else in the body (an HTML page from a
 * proxy, say) is never shown.
 */
export function errorFromResponse(status: number, problem: ProblemDetails | undefined): ByokApiError {
  const detail = nonEmpty(problem?.detail);
  const title = nonEmpty(problem?.title);
  const hasFieldErrors = problem?.errors !== undefined && Object.keys(problem.errors).length > 0;

  if (status === 422 || (status === 400 && hasFieldErrors)) {
    return new ByokApiError(
      "validation",
      detail ?? "Some of the values were not accepted. Check the highlighted fields.",
      status,
      problem,
    );
  }
  if (status === 400) {
    return new ByokApiError("bad-request", detail ?? title ?? "The request was not accepted.", status, problem);
  }
  if (status === 401) {
    return new ByokApiError("session-expired", SESSION_EXPIRED, status, problem);
  }
  if (status === 403) {
    return new ByokApiError(
      "forbidden",
      detail ?? title ?? "You are not allowed to do this. Contact your administrator if you think you should be.",
      status,
      problem,
    );
  }
  if (status === 404) {
    return new ByokApiError(
      "not-found",
      detail ?? "There is no key stored for this provider any more. Refresh the page to see the current list.",
      status,
      problem,
    );
  }
  if (status === 429) {
    return new ByokApiError(
      "rate-limited",
      detail ?? "Too many requests in a short time. Wait a moment and try again.",
      status,
      problem,
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return new ByokApiError("unavailable", detail ?? UNREACHABLE, status, problem);
  }
  if (status >= 500) {
    return new ByokApiError(
      "server",
      detail ??
        "The API keys service ran into a problem. Try again; if it keeps happening, contact your administrator.",
      status,
      problem,
    );
  }
  return new ByokApiError(
    "unexpected",
    detail ?? title ?? `The API keys service answered with an unexpected status (HTTP ${status}).`,
    status,
    problem,
  );
}

/** Reads a problem-details body if there is one; anything else yields undefined. */
export async function readProblem(response: Response): Promise<ProblemDetails | undefined> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return undefined;
  }
  const raw = body as Record<string, unknown>;
  return {
    type: typeof raw.type === "string" ? raw.type : undefined,
    title: typeof raw.title === "string" ? raw.title : undefined,
    status: typeof raw.status === "number" ? raw.status : undefined,
    detail: typeof raw.detail === "string" ? raw.detail : undefined,
    errors: readFieldErrors(raw.errors),
  };
}

function readFieldErrors(value: unknown): Record<string, string[]> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return undefined;
  }
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) {
      const texts = messages.filter((m): m is string => typeof m === "string" && m.length > 0);
      if (texts.length > 0) {
        result[field] = texts;
      }
    } else if (typeof messages === "string" && messages.length > 0) {
      result[field] = [messages];
    }
  }
  return result;
}

/**
 * ASP.NET Core may name fields after the C# property (`Key`) or a JSON path (`$.key`);
 * the form knows them by their JSON names (`key`).
 */
function normalizeFieldErrors(errors: Record<string, string[]> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  if (!errors) {
    return result;
  }
  for (const [field, messages] of Object.entries(errors)) {
    const name = field.replace(/^\$\./, "");
    const normalized = name.length > 0 ? name.charAt(0).toLowerCase() + name.slice(1) : name;
    result[normalized] = [...(result[normalized] ?? []), ...messages];
  }
  return result;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim().length > 0 ? value : undefined;
}

/** Turns anything thrown into a ByokApiError, so the page only handles one error type. */
export function toByokError(error: unknown): ByokApiError {
  if (error instanceof ByokApiError) {
    return error;
  }
  return new ByokApiError(
    "unexpected",
    "Something went wrong in this page. Reload it and try again.",
  );
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "name" in error &&
    (error as { name: unknown }).name === "AbortError"
  );
}
