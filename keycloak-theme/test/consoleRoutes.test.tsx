import { render, screen, within } from "@testing-library/react";
import { createInstance } from "i18next";
import { initReactI18next } from "react-i18next";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeSidecar } from "./fakeSidecar";

const BASE_URL = "http://kc.test/realms/byok/account/";

// Stands in for the context of the package's KeycloakProvider; the real routes are kept.
const context = vi.hoisted(() => ({
  environment: {
    baseUrl: "http://kc.test/realms/byok/account/",
    resourceUrl: "/resources/x/account/byok",
    serverBaseUrl: "http://kc.test",
    logo: "",
    logoUrl: "",
    locale: "en",
    byokApiUrl: "http://sidecar.test",
    features: { isViewGroupsEnabled: false, isMyResourcesEnabled: false, isLinkedAccountsEnabled: true },
  },
  keycloak: { token: "t", updateToken: async () => true, login: () => undefined, logout: () => undefined },
}));

vi.mock("@keycloak/keycloak-account-ui", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@keycloak/keycloak-account-ui")>()),
  useEnvironment: () => context,
}));

const { createRoutes } = await import("../src/console/routes");
const { navItems } = await import("../src/console/nav");

const childPaths = (routes: RouteObject[]) => (routes[0]!.children ?? []).map((route) => route.path ?? "");

describe("console routes", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("keeps every stock route and adds api-keys below the console's base path", () => {
    const routes = createRoutes(BASE_URL);

    expect(routes[0]!.path).toBe("/realms/byok/account/");
    expect(childPaths(routes)).toEqual(
      expect.arrayContaining([
        "",
        "account-security/signing-in",
        "account-security/device-activity",
        "account-security/linked-accounts",
        "applications",
        "groups",
        "resources",
        "api-keys",
      ]),
    );
  });

  it("has a route for every menu entry", () => {
    const paths = childPaths(createRoutes(BASE_URL));
    const entries = navItems.flatMap((item) => ("children" in item ? item.children : [item]));
    expect(entries.filter((entry) => !paths.includes(entry.path)).map((entry) => entry.path)).toEqual([]);
  });

  it("renders the menu with API keys and the API keys page at /api-keys", async () => {
    const sidecar = createFakeSidecar();
    vi.stubGlobal("fetch", sidecar.fetch);
    // No translations loaded: entries fall back to their English labels.
    await createInstance().use(initReactI18next).init({ lng: "en", resources: {}, showSupportNotice: false });
    const router = createMemoryRouter(createRoutes(BASE_URL), { initialEntries: ["/realms/byok/account/api-keys"] });

    render(<RouterProvider router={router} />);

    await screen.findByTestId("keys-table");
    // jsdom has no layout, so PatternFly takes it for a narrow screen and starts the sidebar
    // collapsed (aria-hidden): query hidden elements too.
    const hidden = { hidden: true };
    const nav = screen.getByRole("navigation", { name: "Account", ...hidden });
    const apiKeys = within(nav).getByRole("link", { name: "API keys", ...hidden });
    expect(apiKeys).toHaveAttribute("href", "/realms/byok/account/api-keys");
    expect(apiKeys).toHaveAttribute("aria-current", "page");
    // Entries whose feature the server turned off are hidden; the others stay.
    expect(within(nav).queryByRole("link", { name: "Groups", ...hidden })).not.toBeInTheDocument();
    expect(within(nav).getByRole("link", { name: "Applications", ...hidden })).toHaveAttribute(
      "href",
      "/realms/byok/account/applications",
    );
  });
});
