import type { TokenProvider } from "../src/api/byokClient";
import { passwordGrantTokenSource, staticTokenSource } from "./passwordGrant";

export const DEFAULT_CLIENT_ID = "byok-cli";

export type HarnessConfig =
  | { ok: true; apiUrl: string; gatewayUrl: string; getToken: TokenProvider; mode: "token" | "password" }
  | { ok: false; problem: string };

/**
 * Reads the harness's query string:
 *   ?api=<sidecar base URL>&token=<access token>
 *   ?api=<sidecar base URL>&tokenUrl=<token endpoint>&username=<u>&password=<p>[&clientId=byok-cli]
 * plus, optionally, &gateway=<the gateway's public base URL> for the "Connect a tool" snippets
 * (default: the api URL).
 */
export function readHarnessConfig(search: string): HarnessConfig {
  const params = new URLSearchParams(search);
  const api = params.get("api")?.trim();
  if (!api) {
    return { ok: false, problem: "Add ?api=<sidecar base URL> to the address." };
  }
  const apiUrl = absoluteHttpUrl(api);
  if (!apiUrl) {
    return { ok: false, problem: "The api parameter must be an absolute http(s) URL." };
  }
  const gateway = params.get("gateway")?.trim();
  const gatewayUrl = gateway ? absoluteHttpUrl(gateway) : apiUrl;
  if (!gatewayUrl) {
    return { ok: false, problem: "The gateway parameter must be an absolute http(s) URL." };
  }

  const token = params.get("token");
  if (token) {
    return { ok: true, apiUrl, gatewayUrl, getToken: staticTokenSource(token), mode: "token" };
  }

  const tokenUrl = params.get("tokenUrl");
  const username = params.get("username");
  const password = params.get("password");
  if (tokenUrl && username && password !== null) {
    return {
      ok: true,
      apiUrl,
      gatewayUrl,
      mode: "password",
      getToken: passwordGrantTokenSource({
        tokenUrl,
        username,
        password,
        clientId: params.get("clientId") || DEFAULT_CLIENT_ID,
      }),
    };
  }
  return {
    ok: false,
    problem: "Add &token=<access token>, or &tokenUrl=<token endpoint>&username=<user>&password=<password>.",
  };
}

function absoluteHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return undefined;
    }
    return url.href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}
