import { describe, expect, it, vi } from "vitest";
import { createByokClient, type TokenProvider } from "../src/api/byokClient";
import { ByokApiError } from "../src/api/errors";
import { BASE_URL, createFakeSidecar, json, problem } from "./fakeSidecar";

const fixedToken: TokenProvider = async () => "token-1";

async function caught(promise: Promise<unknown>): Promise<ByokApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ByokApiError);
    return error as ByokApiError;
  }
  throw new Error("expected the call to fail");
}

describe("createByokClient", () => {
  it("sends the bearer token to the API path below the base URL and returns the body", async () => {
    const sidecar = createFakeSidecar();
    const client = createByokClient({ baseUrl: `${BASE_URL}/`, getToken: fixedToken, fetch: sidecar.fetch });

    const providers = await client.listProviders();

    expect(providers.map((p) => p.id)).toEqual(["openai", "anthropic", "custom"]);
    expect(sidecar.requests).toHaveLength(1);
    expect(sidecar.requests[0]).toMatchObject({
      method: "GET",
      path: "/api/v1/byok/providers",
      authorization: "Bearer token-1",
    });
  });

  it("posts the add request as JSON and addresses delete and test by provider", async () => {
    const sidecar = createFakeSidecar();
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    await client.addKey({ provider: "anthropic", key: "sk-ant-abcdefghij", label: "home" });
    await client.testKey("anthropic");
    const removed = await client.deleteKey("anthropic");

    expect(sidecar.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/byok/keys/add",
      "POST /api/v1/byok/keys/test/anthropic",
      "DELETE /api/v1/byok/keys/anthropic",
    ]);
    expect(sidecar.requests[0]!.contentType).toBe("application/json");
    expect(sidecar.requests[0]!.body).toEqual({ provider: "anthropic", key: "sk-ant-abcdefghij", label: "home" });
    expect(removed).toEqual({ message: "API key removed successfully", provider: "anthropic" });
  });

  it("creates gateway keys with a JSON body, lists them and revokes them by id", async () => {
    const sidecar = createFakeSidecar();
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const created = await client.createGatewayKey({ name: "laptop", expires_in_days: 30 });
    const listed = await client.listGatewayKeys();
    const revoked = await client.revokeGatewayKey(created.id);

    expect(sidecar.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/byok/tokens",
      "GET /api/v1/byok/tokens",
      `DELETE /api/v1/byok/tokens/${created.id}`,
    ]);
    expect(sidecar.requests[0]!.contentType).toBe("application/json");
    expect(sidecar.requests[0]!.body).toEqual({ name: "laptop", expires_in_days: 30 });
    expect(sidecar.requests.every((r) => r.authorization === "Bearer token-1")).toBe(true);
    expect(created.token).toMatch(/^bgk_/);
    expect(listed.map((k) => k.name)).toEqual(["CI", "laptop"]);
    expect(revoked).toEqual({ message: "Gateway key revoked", id: created.id });
  });

  it("encodes a gateway key id in the path and maps an unknown id to not-found", async () => {
    const sidecar = createFakeSidecar();
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.revokeGatewayKey("a/b c"));

    expect(sidecar.requests[0]!.path).toBe("/api/v1/byok/tokens/a%2Fb%20c");
    expect(error.kind).toBe("not-found");
    expect(error.message).toBe("No gateway key with this id.");
  });

  it("exposes the base URL it calls, without trailing slashes", () => {
    const client = createByokClient({ baseUrl: `${BASE_URL}//`, getToken: fixedToken });
    expect(client.baseUrl).toBe(BASE_URL);
  });

  it("maps a 422 to a validation error with the API's message per field", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("POST", "/api/v1/byok/keys/add", () =>
      problem(422, "One or more fields are invalid.", {
        key: ["The key must not contain whitespace or control characters."],
        Label: ["The label must be at most 100 characters."],
      }),
    );
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.addKey({ provider: "openai", key: "sk-abc\n" }));

    expect(error.kind).toBe("validation");
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.fieldErrors).toEqual({
      key: ["The key must not contain whitespace or control characters."],
      label: ["The label must be at most 100 characters."],
    });
  });

  it("shows the detail of a 403", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("POST", "/api/v1/byok/keys/add", () =>
      problem(403, "Your tier 'free' does not allow storing keys; 'starter' or higher is required."),
    );
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.addKey({ provider: "openai", key: "sk-abcdefghijk" }));

    expect(error.kind).toBe("forbidden");
    expect(error.message).toBe("Your tier 'free' does not allow storing keys; 'starter' or higher is required.");
  });

  it("refreshes the token once and retries once after a 401", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("GET", "/api/v1/byok/keys", () => problem(401, "Token expired."));
    const getToken = vi.fn<TokenProvider>(async (options) => (options?.forceRefresh ? "token-2" : "token-1"));
    const client = createByokClient({ baseUrl: BASE_URL, getToken, fetch: sidecar.fetch });

    const keys = await client.listKeys();

    expect(keys).toHaveLength(1);
    expect(sidecar.requests.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it("reports an expired session after a second 401 without trying a third time", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("GET", "/api/v1/byok/keys", () => problem(401, "Token expired."), 5);
    const getToken = vi.fn<TokenProvider>(async () => "token");
    const client = createByokClient({ baseUrl: BASE_URL, getToken, fetch: sidecar.fetch });

    const error = await caught(client.listKeys());

    expect(error.kind).toBe("session-expired");
    expect(error.message).toMatch(/session has expired.*sign in again/i);
    expect(sidecar.count("GET", "/api/v1/byok/keys")).toBe(2);
    expect(getToken.mock.calls.filter(([options]) => options?.forceRefresh)).toHaveLength(1);
  });

  it("reports an expired session without calling the API when no token can be had", async () => {
    const sidecar = createFakeSidecar();
    const client = createByokClient({
      baseUrl: BASE_URL,
      getToken: () => Promise.reject(new Error("refresh token expired")),
      fetch: sidecar.fetch,
    });

    const error = await caught(client.getStats());

    expect(error.kind).toBe("session-expired");
    expect(sidecar.requests).toHaveLength(0);
  });

  it("turns a network failure into a retryable error", async () => {
    const client = createByokClient({
      baseUrl: BASE_URL,
      getToken: fixedToken,
      fetch: () => Promise.reject(new TypeError("Failed to fetch")),
    });

    const error = await caught(client.listProviders());

    expect(error.kind).toBe("unavailable");
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/can't be reached/);
  });

  it.each([502, 503, 504])("treats HTTP %i as a retryable outage", async (status) => {
    const sidecar = createFakeSidecar();
    sidecar.override("GET", "/api/v1/byok/stats", () => new Response("<html>Bad gateway</html>", { status }));
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.getStats());

    expect(error.kind).toBe("unavailable");
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain("<html>");
  });

  it("keeps the sidecar's own words for a 503 problem", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("GET", "/api/v1/byok/keys", () => problem(503, "Keycloak is unreachable; try again shortly."));
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.listKeys());

    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe("Keycloak is unreachable; try again shortly.");
  });

  it("maps 404, 429 and 500 to messages a user can act on", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("DELETE", "/api/v1/byok/keys/groq", () => new Response(null, { status: 404 }));
    sidecar.override("POST", "/api/v1/byok/keys/test/openai", () => problem(429, "Too many key tests; wait a minute."));
    sidecar.override("GET", "/api/v1/byok/keys", () => new Response("boom", { status: 500 }));
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const notFound = await caught(client.deleteKey("groq"));
    const limited = await caught(client.testKey("openai"));
    const broken = await caught(client.listKeys());

    expect([notFound.kind, limited.kind, broken.kind]).toEqual(["not-found", "rate-limited", "server"]);
    expect(notFound.message).toMatch(/no key stored/i);
    expect(limited.message).toBe("Too many key tests; wait a minute.");
    expect(broken.message).toMatch(/ran into a problem/);
    expect(broken.message).not.toContain("boom");
  });

  it("rejects a success response that is not JSON", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("GET", "/api/v1/byok/providers", () => new Response("<html>login</html>", { status: 200 }));
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    const error = await caught(client.listProviders());

    expect(error.kind).toBe("unexpected");
    expect(error.message).not.toContain("login");
  });

  it("encodes provider ids in paths", async () => {
    const sidecar = createFakeSidecar();
    sidecar.override("DELETE", "/api/v1/byok/keys/a%2Fb", () => json(200, { message: "ok", provider: "a/b" }));
    const client = createByokClient({ baseUrl: BASE_URL, getToken: fixedToken, fetch: sidecar.fetch });

    await client.deleteKey("a/b");

    expect(sidecar.requests[0]!.path).toBe("/api/v1/byok/keys/a%2Fb");
  });
});
