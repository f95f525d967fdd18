import { render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeSidecar, problem } from "./fakeSidecar";

// The console page only needs the environment and keycloak-js instance that the account-ui
// package's KeycloakProvider puts into context; a real Keycloak is not available here.
const context = vi.hoisted(() => ({
  environment: { byokApiUrl: "http://sidecar.test", locale: "en" } as Record<string, unknown>,
  keycloak: {
    token: "console-token-1",
    updateToken: vi.fn(),
    login: vi.fn(),
  },
}));

vi.mock("@keycloak/keycloak-account-ui", () => ({
  useEnvironment: () => context,
}));

const { ConsoleApiKeysPage } = await import("../src/console/ConsoleApiKeysPage");

describe("ConsoleApiKeysPage", () => {
  let sidecar: ReturnType<typeof createFakeSidecar>;

  beforeEach(() => {
    sidecar = createFakeSidecar();
    vi.stubGlobal("fetch", sidecar.fetch);
    context.environment.byokApiUrl = "http://sidecar.test";
    delete context.environment.byokGatewayUrl;
    context.keycloak.token = "console-token-1";
    context.keycloak.updateToken.mockReset().mockImplementation(async (minValidity: number) => {
      if (minValidity === -1) context.keycloak.token = "console-token-2";
      return true;
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("calls the configured sidecar with the console's token, refreshed to last 30 s", async () => {
    render(<ConsoleApiKeysPage />);

    await screen.findByTestId("keys-table");
    expect(sidecar.requests.length).toBeGreaterThanOrEqual(3);
    expect(sidecar.requests.every((r) => r.authorization === "Bearer console-token-1")).toBe(true);
    expect(context.keycloak.updateToken).toHaveBeenCalledTimes(sidecar.requests.length);
    expect(context.keycloak.updateToken.mock.calls.every(([min]) => min === 30)).toBe(true);
  });

  it("forces a token refresh after a 401 and retries with the new token", async () => {
    sidecar.override("GET", "/api/v1/byok/keys", () => problem(401, "expired"));
    render(<ConsoleApiKeysPage />);

    await screen.findByTestId("keys-table");
    expect(context.keycloak.updateToken).toHaveBeenCalledWith(-1);
    const keyCalls = sidecar.requests.filter((r) => r.path === "/api/v1/byok/keys");
    expect(keyCalls.map((r) => r.authorization)).toEqual(["Bearer console-token-1", "Bearer console-token-2"]);
  });

  it("shows the theme's public gateway URL in Connect a tool, and the API URL when it is empty", async () => {
    context.environment.byokGatewayUrl = "https://llm.example.com/";
    const { unmount } = render(<ConsoleApiKeysPage />);
    const own = await screen.findByTestId("connect-base-urls");
    expect(within(own).getByTestId("base-url")).toHaveTextContent("https://llm.example.com/openai/v1");
    // The API itself is still called at byokApiUrl.
    expect(sidecar.requests.length).toBeGreaterThan(0);
    unmount();

    context.environment.byokGatewayUrl = "";
    render(<ConsoleApiKeysPage />);
    const fallback = await screen.findByTestId("connect-base-urls");
    expect(within(fallback).getByTestId("base-url")).toHaveTextContent("http://sidecar.test/openai/v1");
  });

  it("says the page is not configured when the theme property is missing", async () => {
    context.environment.byokApiUrl = "";
    render(<ConsoleApiKeysPage />);

    expect(screen.getByTestId("config-error")).toHaveTextContent("BYOK_API_URL");
    expect(sidecar.requests).toHaveLength(0);
  });
});
