import type { ByokStats, GatewayKey, Provider, StoredKey, UsageRow } from "../src/api/types";

export type RecordedRequest = {
  method: string;
  path: string;
  /** The query string's parameters (`from`, `to` of the usage call). */
  query: Record<string, string>;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
};

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export const json = (status: number, body: unknown, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });

export const problem = (status: number, detail: string, errors?: Record<string, string[]>) =>
  json(
    status,
    { type: "about:blank", title: `HTTP ${status}`, status, detail, ...(errors ? { errors } : {}) },
    "application/problem+json",
  );

export const BASE_URL = "http://sidecar.test";

export const defaultProviders = (): Provider[] => [
  { id: "openai", name: "OpenAI", key_format: "sk-", configured: true },
  { id: "anthropic", name: "Anthropic", key_format: "sk-ant-", configured: false },
  { id: "custom", name: "Custom (OpenAI-compatible)", key_format: null, configured: false },
];

export const defaultKeys = (): StoredKey[] => [
  {
    provider: "openai",
    provider_name: "OpenAI",
    key_preview: "sk-p****wxyz",
    label: "work account",
    added_date: "2025-10-10T22:00:00.000000",
    last_tested: null,
    test_status: null,
  },
];

export const defaultStats = (): ByokStats => ({
  total_providers: 3,
  configured_providers: 1,
  tested_providers: 0,
  valid_providers: 0,
  user_tier: "starter",
  byok_allowed: true,
  required_tier: "starter",
});

/** What the fake answers for the n-th created gateway key (never a real secret). */
export const fakeGatewayToken = (n: number) => `bgk_fake${String(n).padStart(4, "0")}_0123456789abcdefghijklmnopqrstuvwxyzABCDEF`;

export const defaultGatewayKeys = (): GatewayKey[] => [
  {
    id: "gk-ci",
    name: "CI",
    token_preview: "bgk_****wxyz",
    created: "2025-10-01T09:00:00Z",
    expires: "2099-12-30T09:00:00Z",
    last_used: "2025-10-20",
  },
];

/** Two providers over two days, one row without a model (its usage could not be attributed). */
export const defaultUsageRows = (): UsageRow[] => [
  { date: "2025-10-20", provider: "openai", model: "gpt-4o-mini", key_source: "byok", requests: 3, input_tokens: 1200, output_tokens: 300 },
  { date: "2025-10-20", provider: "anthropic", model: "claude-sonnet-4", key_source: "system", requests: 1, input_tokens: 500, output_tokens: 250 },
  { date: "2025-10-22", provider: "openai", model: null, key_source: "system", requests: 2, input_tokens: 0, output_tokens: 0 },
];

/**
 * An in-memory sidecar behind a fake fetch: it implements the happy path of the BYOK API
 * and records every request, and single responses can be overridden per route.
 */
export function createFakeSidecar() {
  const state = {
    providers: defaultProviders(),
    keys: defaultKeys(),
    stats: defaultStats(),
    gatewayKeys: defaultGatewayKeys(),
    /** Answered for any range; the totals are summed from these rows. */
    usageRows: defaultUsageRows(),
    createdTokens: 0,
  };
  const requests: RecordedRequest[] = [];
  const overrides: { method: string; path: string; handler: Handler; times: number }[] = [];

  const route = (request: RecordedRequest): Response => {
    const { method, path } = request;
    if (method === "GET" && path === "/api/v1/byok/providers") return json(200, state.providers);
    if (method === "GET" && path === "/api/v1/byok/keys") return json(200, state.keys);
    if (method === "GET" && path === "/api/v1/byok/stats") return json(200, state.stats);
    if (method === "POST" && path === "/api/v1/byok/keys/add") {
      const body = request.body as { provider: string; label?: string };
      const provider = state.providers.find((p) => p.id === body.provider)!;
      provider.configured = true;
      state.keys = state.keys.filter((k) => k.provider !== body.provider);
      state.keys.push({
        provider: provider.id,
        provider_name: provider.name,
        key_preview: "****",
        label: body.label ?? null,
        added_date: "2025-11-01T10:00:00Z",
        last_tested: null,
        test_status: null,
      });
      return json(200, { message: "API key added successfully", provider: provider.id, provider_name: provider.name });
    }
    const deleteMatch = /^\/api\/v1\/byok\/keys\/([^/]+)$/.exec(path);
    if (method === "DELETE" && deleteMatch) {
      const id = decodeURIComponent(deleteMatch[1]!);
      if (!state.keys.some((k) => k.provider === id)) return problem(404, "No key stored for this provider.");
      state.keys = state.keys.filter((k) => k.provider !== id);
      state.providers = state.providers.map((p) => (p.id === id ? { ...p, configured: false } : p));
      return json(200, { message: "API key removed successfully", provider: id });
    }
    const testMatch = /^\/api\/v1\/byok\/keys\/test\/([^/]+)$/.exec(path);
    if (method === "POST" && testMatch) {
      const id = decodeURIComponent(testMatch[1]!);
      state.keys = state.keys.map((k) =>
        k.provider === id ? { ...k, last_tested: "2025-11-02T08:30:00Z", test_status: "valid" } : k,
      );
      return json(200, { provider: id, status: "valid", message: "The provider accepted the key.", details: null });
    }
    if (method === "GET" && path === "/api/v1/byok/tokens") return json(200, state.gatewayKeys);
    if (method === "POST" && path === "/api/v1/byok/tokens") {
      const body = request.body as { name: string; expires_in_days?: number };
      state.createdTokens += 1;
      const token = fakeGatewayToken(state.createdTokens);
      const days = body.expires_in_days ?? 90;
      const created = "2025-11-01T10:00:00Z";
      const expires = new Date(Date.parse(created) + days * 86_400_000).toISOString();
      const id = `gk-${state.createdTokens}`;
      state.gatewayKeys.push({
        id,
        name: body.name,
        token_preview: `${token.slice(0, 4)}****${token.slice(-4)}`,
        created,
        expires,
        last_used: null,
      });
      return json(201, { id, name: body.name, token, created, expires });
    }
    const tokenMatch = /^\/api\/v1\/byok\/tokens\/([^/]+)$/.exec(path);
    if (method === "DELETE" && tokenMatch) {
      const id = decodeURIComponent(tokenMatch[1]!);
      if (!state.gatewayKeys.some((k) => k.id === id)) return problem(404, "No gateway key with this id.");
      state.gatewayKeys = state.gatewayKeys.filter((k) => k.id !== id);
      return json(200, { message: "Gateway key revoked", id });
    }
    if (method === "GET" && path === "/api/v1/byok/usage") {
      const rows = state.usageRows;
      const sum = (pick: (row: UsageRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
      return json(200, {
        from: request.query.from,
        to: request.query.to,
        total: { requests: sum((r) => r.requests), input_tokens: sum((r) => r.input_tokens), output_tokens: sum((r) => r.output_tokens) },
        rows,
      });
    }
    return problem(404, `No route for ${method} ${path}`);
  };

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const request: RecordedRequest = {
      method: init?.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: headers.get("Authorization"),
      contentType: headers.get("Content-Type"),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const override = overrides.find((o) => o.method === request.method && o.path === request.path && o.times > 0);
    if (override) {
      override.times -= 1;
      return override.handler(request);
    }
    return route(request);
  };

  return {
    state,
    requests,
    fetch: fetch as typeof globalThis.fetch,
    /** Answers the next `times` requests to this route with the handler instead. */
    override(method: string, path: string, handler: Handler, times = 1) {
      overrides.push({ method, path, handler, times });
    },
    count(method: string, path: string) {
      return requests.filter((r) => r.method === method && r.path === path).length;
    },
  };
}

/** A promise whose resolution the test controls, to hold a request in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
