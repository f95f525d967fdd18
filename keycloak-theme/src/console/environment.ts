import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";

/** The Account Console environment plus the sidecar URL our index.ftl adds from theme.properties. */
export type ByokAccountEnvironment = AccountEnvironment & {
  /** Base URL of the BYOK sidecar (theme property `byokApiUrl`, env var BYOK_API_URL). */
  byokApiUrl?: string;
  /**
   * Public base URL of the gateway for tools (theme property `byokGatewayUrl`, env var
   * BYOK_GATEWAY_URL); empty means the same as `byokApiUrl`.
   */
  byokGatewayUrl?: string;
};

/** Keycloak renders the environment into index.ftl as `<script id="environment" type="application/json">`. */
export function readInjectedEnvironment<T>(doc: Document = document): T {
  const text = doc.getElementById("environment")?.textContent;
  if (typeof text !== "string") {
    throw new Error("The Account Console environment is missing from the page (index.ftl).");
  }
  return JSON.parse(text) as T;
}

/**
 * Turns the configured sidecar URL into an absolute http(s) base URL. A relative value such
 * as `/gateway` means "same origin as Keycloak" (a reverse proxy in front of both).
 * Returns undefined when the value is missing or not usable, so the page can say so.
 */
export function resolveSidecarUrl(configured: string | undefined, origin: string = window.location.origin): string | undefined {
  const value = configured?.trim();
  if (!value || value.includes("${")) {
    // "${env...}" left as is means Keycloak did not substitute the property.
    return undefined;
  }
  try {
    const url = new URL(value, origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return undefined;
    }
    return url.href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

export function joinPath(...parts: string[]): string {
  return parts
    .map((part, index) => (index === 0 ? part.replace(/\/+$/, "") : part.replace(/^\/+|\/+$/g, "")))
    .filter((part) => part.length > 0)
    .join("/");
}
