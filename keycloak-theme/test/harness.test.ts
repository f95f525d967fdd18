import { describe, expect, it, vi } from "vitest";
import { readHarnessConfig } from "../harness/harnessConfig";
import { passwordGrantTokenSource, staticTokenSource } from "../harness/passwordGrant";

type Grant = Record<string, string>;

function fakeTokenEndpoint(options: { refuseRefresh?: boolean } = {}) {
  const grants: Grant[] = [];
  let issued = 0;
  const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    const params = Object.fromEntries(new URLSearchParams(String(init?.body)));
    grants.push(params);
    if (params.grant_type === "refresh_token" && options.refuseRefresh) {
      return new Response(JSON.stringify({ error: "invalid_grant" }), { status: 400 });
    }
    if (params.grant_type === "password" && params.password !== "bob-password") {
      return new Response(JSON.stringify({ error: "invalid_grant" }), { status: 401 });
    }
    issued += 1;
    return new Response(
      JSON.stringify({ access_token: `access-${issued}`, refresh_token: `refresh-${issued}`, expires_in: 300 }),
      { status: 200, headers: { "Content-Type": "application/json" } },
    );
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, grants };
}

describe("passwordGrantTokenSource", () => {
  const base = {
    tokenUrl: "http://kc.test/realms/byok/protocol/openid-connect/token",
    clientId: "byok-cli",
    username: "bob",
    password: "bob-password",
  };

  it("signs in with the password grant once and reuses the token while it is valid", async () => {
    const endpoint = fakeTokenEndpoint();
    let now = 1_000_000;
    const getToken = passwordGrantTokenSource({ ...base, fetch: endpoint.fetch, now: () => now });

    const first = await getToken();
    now += 60_000;
    const second = await getToken();

    expect([first, second]).toEqual(["access-1", "access-1"]);
    expect(endpoint.grants).toEqual([
      { client_id: "byok-cli", grant_type: "password", username: "bob", password: "bob-password" },
    ]);
  });

  it("refreshes with the refresh token when forced or when the token is about to expire", async () => {
    const endpoint = fakeTokenEndpoint();
    let now = 0;
    const getToken = passwordGrantTokenSource({ ...base, fetch: endpoint.fetch, now: () => now });

    await getToken();
    const forced = await getToken({ forceRefresh: true });
    now += 290_000; // 10 s left of 300: less than the 30 s minimum
    const nearExpiry = await getToken();

    expect([forced, nearExpiry]).toEqual(["access-2", "access-3"]);
    expect(endpoint.grants.map((g) => g.grant_type)).toEqual(["password", "refresh_token", "refresh_token"]);
    expect(endpoint.grants[1]!.refresh_token).toBe("refresh-1");
  });

  it("signs in again when the refresh is refused", async () => {
    const endpoint = fakeTokenEndpoint({ refuseRefresh: true });
    const getToken = passwordGrantTokenSource({ ...base, fetch: endpoint.fetch });

    await getToken();
    const token = await getToken({ forceRefresh: true });

    expect(token).toBe("access-2");
    expect(endpoint.grants.map((g) => g.grant_type)).toEqual(["password", "refresh_token", "password"]);
  });

  it("shares one request between concurrent callers", async () => {
    const endpoint = fakeTokenEndpoint();
    const getToken = passwordGrantTokenSource({ ...base, fetch: endpoint.fetch });

    const tokens = await Promise.all([getToken(), getToken(), getToken()]);

    expect(tokens).toEqual(["access-1", "access-1", "access-1"]);
    expect(endpoint.grants).toHaveLength(1);
  });

  it("fails when the credentials are wrong", async () => {
    const endpoint = fakeTokenEndpoint();
    const getToken = passwordGrantTokenSource({ ...base, password: "wrong", fetch: endpoint.fetch });

    await expect(getToken()).rejects.toThrow("HTTP 401");
  });
});

describe("staticTokenSource", () => {
  it("returns the given token and cannot refresh it", async () => {
    const getToken = staticTokenSource("abc");
    expect(await getToken()).toBe("abc");
    await expect(getToken({ forceRefresh: true })).rejects.toThrow();
  });
});

describe("readHarnessConfig", () => {
  it("takes a sidecar URL and a token", async () => {
    const config = readHarnessConfig("?api=http://localhost:8080/&token=t0k3n");
    expect(config.ok && config.mode).toBe("token");
    expect(config.ok && config.apiUrl).toBe("http://localhost:8080");
    expect(config.ok && (await config.getToken())).toBe("t0k3n");
  });

  it("takes token endpoint credentials, with byok-cli as the default client", () => {
    const config = readHarnessConfig(
      "?api=http://localhost:8080&tokenUrl=http://kc/realms/byok/protocol/openid-connect/token&username=bob&password=pw",
    );
    expect(config.ok && config.mode).toBe("password");
  });

  it("uses the api URL as the gateway URL unless gateway= says otherwise", () => {
    const same = readHarnessConfig("?api=http://localhost:8080/&token=t");
    expect(same.ok && same.gatewayUrl).toBe("http://localhost:8080");
    const other = readHarnessConfig("?api=http://localhost:8080&gateway=https://llm.example.com/&token=t");
    expect(other.ok && other.gatewayUrl).toBe("https://llm.example.com");
  });

  it.each([
    ["", /api=/],
    ["?api=http://localhost:8080&gateway=javascript:alert(1)&token=t", /gateway parameter/],
    ["?api=ftp://x", /absolute http/],
    ["?api=http://localhost:8080", /token=/],
  ])("explains what is missing in %j", (search, message) => {
    const config = readHarnessConfig(search);
    expect(config.ok).toBe(false);
    expect(!config.ok && config.problem).toMatch(message);
  });
});
