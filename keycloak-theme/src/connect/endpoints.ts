import type { Provider } from "../api/types";

/**
 * Where tools reach a provider through the gateway (DESIGN.md section 7): the route is
 * `<gateway>/<provider id>` followed by the provider's own path, so an SDK's base URL is the
 * gateway route plus the path the SDK would append to the provider's own host.
 */
export type ProviderRoute = {
  /** Appended to `<gateway>/<id>` to get the base URL of the provider's own SDK. */
  sdkPath: string;
  /** Which SDK takes that base URL. */
  sdk: "openai" | "anthropic" | "native";
  /**
   * Path (after `<gateway>/<id>`) of the provider's OpenAI-compatible API, when it has one, and
   * a model to put in examples. These are the providers the OpenAI SDK snippets can target.
   */
  openAiCompatible?: { path: string; exampleModel: string };
};

/**
 * The default catalogue's routes (DESIGN.md section 6). A provider an operator adds that is not
 * listed here still gets `<gateway>/<id>`, described as "the provider's own API".
 */
export const PROVIDER_ROUTES: Readonly<Record<string, ProviderRoute>> = {
  openai: { sdkPath: "/v1", sdk: "openai", openAiCompatible: { path: "/v1", exampleModel: "gpt-5.4-mini" } },
  anthropic: {
    sdkPath: "",
    sdk: "anthropic",
    openAiCompatible: { path: "/v1", exampleModel: "claude-haiku-4-5" },
  },
  groq: {
    sdkPath: "/openai/v1",
    sdk: "openai",
    openAiCompatible: { path: "/openai/v1", exampleModel: "llama-3.3-70b-versatile" },
  },
  gemini: {
    sdkPath: "",
    sdk: "native",
    openAiCompatible: { path: "/v1beta/openai", exampleModel: "gemini-2.5-flash" },
  },
  mistral: { sdkPath: "/v1", sdk: "openai", openAiCompatible: { path: "/v1", exampleModel: "mistral-small-latest" } },
  deepseek: { sdkPath: "", sdk: "openai", openAiCompatible: { path: "", exampleModel: "deepseek-chat" } },
  together: {
    sdkPath: "/v1",
    sdk: "openai",
    openAiCompatible: { path: "/v1", exampleModel: "meta-llama/Llama-3.3-70B-Instruct-Turbo" },
  },
  openrouter: {
    sdkPath: "/api/v1",
    sdk: "openai",
    openAiCompatible: { path: "/api/v1", exampleModel: "openai/gpt-4o-mini" },
  },
  perplexity: { sdkPath: "", sdk: "openai", openAiCompatible: { path: "", exampleModel: "sonar" } },
  huggingface: { sdkPath: "", sdk: "native" },
  cohere: { sdkPath: "", sdk: "native" },
  // The stored endpoint takes the place of `<gateway>/custom`: paths after it go to that endpoint.
  custom: { sdkPath: "", sdk: "openai", openAiCompatible: { path: "", exampleModel: "your-model" } },
};

/** One row of the "base URLs" list: a provider and the URL its SDK takes. */
export type ProviderEndpoint = {
  provider: string;
  name: string;
  baseUrl: string;
  sdk: ProviderRoute["sdk"];
  /** Whether the user stored a key for it (and the plan lets the gateway use it). */
  ownKey: boolean;
};

export function gatewayRoute(gatewayUrl: string, provider: string, path = ""): string {
  return `${gatewayUrl.replace(/\/+$/, "")}/${encodeURIComponent(provider)}${path}`;
}

export function providerEndpoints(gatewayUrl: string, providers: Provider[], byokAllowed: boolean): ProviderEndpoint[] {
  return providers.map((provider) => {
    const route = PROVIDER_ROUTES[provider.id];
    return {
      provider: provider.id,
      name: provider.name,
      baseUrl: gatewayRoute(gatewayUrl, provider.id, route?.sdkPath ?? ""),
      sdk: route?.sdk ?? "native",
      ownKey: byokAllowed && provider.configured,
    };
  });
}

/** The id of the single OpenAI-compatible endpoint for every provider (DESIGN.md section 11). */
export const UNIFIED_TARGET_ID = "all";

/** `<gateway>/v1`: one OpenAI-compatible base URL for every provider, models written `<provider>/<model>`. */
export function unifiedBaseUrl(gatewayUrl: string): string {
  return `${gatewayUrl.replace(/\/+$/, "")}/v1`;
}

/**
 * An OpenAI-compatible base URL the OpenAI SDK, curl, `OPENAI_BASE_URL` and Open WebUI can be
 * pointed at: the single `<gateway>/v1` endpoint for every provider (listed first, models written
 * `<provider>/<model>`), then one per provider with that provider's own model names.
 */
export type OpenAiTarget = {
  id: string;
  label: string;
  baseUrl: string;
  exampleModel: string;
  ownKey: boolean;
  /** Whether this is `<gateway>/v1`, where the model names the provider. */
  unified: boolean;
};

export function openAiTargets(gatewayUrl: string, providers: Provider[], byokAllowed: boolean): OpenAiTarget[] {
  const targets: OpenAiTarget[] = [];
  for (const provider of providers) {
    const compatible = PROVIDER_ROUTES[provider.id]?.openAiCompatible;
    if (!compatible) {
      continue;
    }
    targets.push({
      id: provider.id,
      label: provider.name,
      baseUrl: gatewayRoute(gatewayUrl, provider.id, compatible.path),
      exampleModel: compatible.exampleModel,
      ownKey: byokAllowed && provider.configured,
      unified: false,
    });
  }
  const example = defaultProviderTarget(targets);
  if (!example) {
    return targets;
  }
  // The example model is the provider the page would have picked, written `<provider>/<model>`.
  const unified: OpenAiTarget = {
    id: UNIFIED_TARGET_ID,
    label: "All your providers (model as <provider>/<model>)",
    baseUrl: unifiedBaseUrl(gatewayUrl),
    exampleModel: `${example.id}/${example.exampleModel}`,
    ownKey: targets.some((t) => t.ownKey),
    unified: true,
  };
  return [unified, ...targets];
}

/** The single `<gateway>/v1` endpoint when there is one, else the best provider of its own. */
export function defaultOpenAiTarget(targets: OpenAiTarget[]): OpenAiTarget | undefined {
  return targets.find((t) => t.unified) ?? defaultProviderTarget(targets);
}

/** OpenAI when the user can use it (or uses nothing yet), else the first provider with an own key. */
function defaultProviderTarget(targets: OpenAiTarget[]): OpenAiTarget | undefined {
  const providers = targets.filter((t) => !t.unified);
  const openai = providers.find((t) => t.id === "openai");
  if (openai?.ownKey || !providers.some((t) => t.ownKey)) {
    return openai ?? providers[0];
  }
  return providers.find((t) => t.ownKey);
}

/** The Anthropic SDK's base URL, when the catalogue has Anthropic. */
export function anthropicBaseUrl(gatewayUrl: string, providers: Provider[]): string | undefined {
  return providers.some((p) => p.id === "anthropic")
    ? gatewayRoute(gatewayUrl, "anthropic", PROVIDER_ROUTES.anthropic!.sdkPath)
    : undefined;
}
