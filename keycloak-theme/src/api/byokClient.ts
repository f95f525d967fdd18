import {
  errorFromResponse,
  isAbortError,
  networkError,
  readProblem,
  sessionExpiredError,
  unexpectedResponseError,
} from "./errors";
import type {
  AddKeyRequest,
  AddKeyResponse,
  ByokStats,
  CreateGatewayKeyRequest,
  CreatedGatewayKey,
  DeleteKeyResponse,
  GatewayKey,
  KeyTestResult,
  Provider,
  RevokeGatewayKeyResponse,
  StoredKey,
  UsageRange,
  UsageReport,
} from "./types";
import { readUsageReport } from "./usageReport";

/**
 * Returns a current access token. With `forceRefresh` the provider must not hand back the
 * token it returned before: the API has just rejected that one with 401.
 */
export type TokenProvider = (options?: { forceRefresh?: boolean }) => Promise<string>;

export type ByokClientOptions = {
  /** Base URL of the sidecar, for example `https://gateway.example.com`; `/api/v1/byok` is appended. */
  baseUrl: string;
  getToken: TokenProvider;
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
};

export type RequestOptions = {
  signal?: AbortSignal;
};

/** The sidecar's BYOK management API, one method per endpoint (DESIGN.md sections 5 and 10). */
export type ByokClient = {
  /** The sidecar base URL the client calls (without `/api/v1/byok`). */
  readonly baseUrl: string;
  listProviders(options?: RequestOptions): Promise<Provider[]>;
  listKeys(options?: RequestOptions): Promise<StoredKey[]>;
  getStats(options?: RequestOptions): Promise<ByokStats>;
  addKey(request: AddKeyRequest, options?: RequestOptions): Promise<AddKeyResponse>;
  deleteKey(provider: string, options?: RequestOptions): Promise<DeleteKeyResponse>;
  testKey(provider: string, options?: RequestOptions): Promise<KeyTestResult>;
  listGatewayKeys(options?: RequestOptions): Promise<GatewayKey[]>;
  /** The answer holds the key itself, once: keep it only as long as it is shown. */
  createGatewayKey(request: CreateGatewayKeyRequest, options?: RequestOptions): Promise<CreatedGatewayKey>;
  revokeGatewayKey(id: string, options?: RequestOptions): Promise<RevokeGatewayKeyResponse>;
  /** The caller's own usage per day, provider, model and key source (DESIGN.md section 12). */
  getUsage(range: UsageRange, options?: RequestOptions): Promise<UsageReport>;
};

export const API_PREFIX = "/api/v1/byok";

export const Routes = {
  providers: `${API_PREFIX}/providers`,
  keys: `${API_PREFIX}/keys`,
  addKey: `${API_PREFIX}/keys/add`,
  stats: `${API_PREFIX}/stats`,
  key: (provider: string) => `${API_PREFIX}/keys/${encodeURIComponent(provider)}`,
  testKey: (provider: string) => `${API_PREFIX}/keys/test/${encodeURIComponent(provider)}`,
  gatewayKeys: `${API_PREFIX}/tokens`,
  gatewayKey: (id: string) => `${API_PREFIX}/tokens/${encodeURIComponent(id)}`,
  usage: (range: UsageRange) => `${API_PREFIX}/usage?${new URLSearchParams({ from: range.from, to: range.to })}`,
} as const;

export function createByokClient(options: ByokClientOptions): ByokClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function token(forceRefresh: boolean): Promise<string> {
    try {
      const value = await options.getToken(forceRefresh ? { forceRefresh: true } : undefined);
      if (!value) {
        throw new Error("empty token");
      }
      return value;
    } catch {
      // Keycloak could not refresh the session (expired, revoked, signed out elsewhere).
      throw sessionExpiredError();
    }
  }

  async function send(
    method: string,
    path: string,
    accessToken: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: "application/json, application/problem+json",
      Authorization: `Bearer ${accessToken}`,
    };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    try {
      return await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // The token travels in the header; cookies of the sidecar's origin are not wanted.
        credentials: "omit",
      });
    } catch (error) {
      if (isAbortError(error)) {
        throw error;
      }
      throw networkError();
    }
  }

  async function request<T>(method: string, path: string, body?: unknown, requestOptions?: RequestOptions): Promise<T> {
    const signal = requestOptions?.signal;
    let response = await send(method, path, await token(false), body, signal);

    if (response.status === 401) {
      // The token may have expired between refresh and arrival, or been revoked: refresh it
      // once and try once more. A second 401 means the session itself is gone.
      await discard(response);
      response = await send(method, path, await token(true), body, signal);
      if (response.status === 401) {
        await discard(response);
        throw sessionExpiredError(401);
      }
    }

    if (!response.ok) {
      throw errorFromResponse(response.status, await readProblem(response));
    }

    try {
      return (await response.json()) as T;
    } catch (error) {
      if (isAbortError(error)) {
        throw error;
      }
      throw unexpectedResponseError(response.status);
    }
  }

  return {
    baseUrl,
    listProviders: (o) => request<Provider[]>("GET", Routes.providers, undefined, o),
    listKeys: (o) => request<StoredKey[]>("GET", Routes.keys, undefined, o),
    getStats: (o) => request<ByokStats>("GET", Routes.stats, undefined, o),
    addKey: (body, o) => request<AddKeyResponse>("POST", Routes.addKey, body, o),
    deleteKey: (provider, o) => request<DeleteKeyResponse>("DELETE", Routes.key(provider), undefined, o),
    testKey: (provider, o) => request<KeyTestResult>("POST", Routes.testKey(provider), undefined, o),
    listGatewayKeys: (o) => request<GatewayKey[]>("GET", Routes.gatewayKeys, undefined, o),
    createGatewayKey: (body, o) => request<CreatedGatewayKey>("POST", Routes.gatewayKeys, body, o),
    revokeGatewayKey: (id, o) => request<RevokeGatewayKeyResponse>("DELETE", Routes.gatewayKey(id), undefined, o),
    getUsage: async (range, o) => readUsageReport(await request<unknown>("GET", Routes.usage(range), undefined, o)),
  };
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}
