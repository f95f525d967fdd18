import type { TokenProvider } from "../src/api/byokClient";

/** Refresh this many seconds before the access token expires, like the console's updateToken(30). */
const MIN_VALIDITY_SECONDS = 30;

export type PasswordGrantOptions = {
  /** Keycloak's token endpoint, `.../realms/<realm>/protocol/openid-connect/token`. */
  tokenUrl: string;
  clientId: string;
  username: string;
  password: string;
  fetch?: typeof fetch;
  now?: () => number;
};

type TokenResponse = {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
};

/**
 * A token source for tests: signs in with the resource-owner password grant (a public
 * client with direct access grants, `byok-cli` in the realm export), refreshes with the
 * refresh token, and signs in again if the refresh is refused. Concurrent callers share
 * one request.
 */
export function passwordGrantTokenSource(options: PasswordGrantOptions): TokenProvider {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now());
  let accessToken: string | undefined;
  let refreshToken: string | undefined;
  let expiresAt = 0;
  let pending: Promise<string> | undefined;

  async function grant(params: Record<string, string>): Promise<string> {
    const response = await doFetch(options.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ client_id: options.clientId, ...params }).toString(),
    });
    if (!response.ok) {
      throw new Error(`Token endpoint answered HTTP ${response.status}.`);
    }
    const body = (await response.json()) as TokenResponse;
    if (!body.access_token) {
      throw new Error("Token endpoint returned no access token.");
    }
    accessToken = body.access_token;
    refreshToken = body.refresh_token;
    expiresAt = now() + (body.expires_in ?? 60) * 1000;
    return body.access_token;
  }

  async function obtain(): Promise<string> {
    if (refreshToken) {
      try {
        return await grant({ grant_type: "refresh_token", refresh_token: refreshToken });
      } catch {
        refreshToken = undefined;
      }
    }
    return grant({ grant_type: "password", username: options.username, password: options.password });
  }

  return async (request) => {
    const fresh = accessToken !== undefined && expiresAt - now() > MIN_VALIDITY_SECONDS * 1000;
    if (fresh && !request?.forceRefresh) {
      return accessToken!;
    }
    pending ??= obtain().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** A fixed token handed over in the URL: it cannot be refreshed, so a forced refresh fails. */
export function staticTokenSource(token: string): TokenProvider {
  return async (request) => {
    if (request?.forceRefresh) {
      throw new Error("A token given in the URL cannot be refreshed.");
    }
    return token;
  };
}
