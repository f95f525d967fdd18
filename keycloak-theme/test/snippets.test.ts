import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Provider } from "../src/api/types";
import {
  anthropicBaseUrl,
  defaultOpenAiTarget,
  openAiTargets,
  providerEndpoints,
  type OpenAiTarget,
} from "../src/connect/endpoints";
import { KEY_PLACEHOLDER, buildSnippets, shellQuote, type Snippet, type SnippetId } from "../src/connect/snippets";

const GATEWAY = "https://gw.example.com";
const KEY = "bgk_0123456789abcdefABCDEF_-xyz";

const provider = (id: string, name: string, configured = false): Provider => ({
  id,
  name,
  key_format: null,
  configured,
});

const catalogue = (): Provider[] => [
  provider("openai", "OpenAI", true),
  provider("anthropic", "Anthropic"),
  provider("groq", "Groq", true),
  provider("cohere", "Cohere"),
  provider("acme", "Acme (added by the operator)", true),
];

const snippetsFor = (apiKey: string | undefined, gateway = GATEWAY): Record<SnippetId, Snippet> => {
  const providers = catalogue();
  const snippets = buildSnippets({
    openai: defaultOpenAiTarget(openAiTargets(gateway, providers, true)),
    anthropicBaseUrl: anthropicBaseUrl(gateway, providers),
    apiKey,
  });
  return Object.fromEntries(snippets.map((s) => [s.id, s])) as Record<SnippetId, Snippet>;
};

describe("providerEndpoints", () => {
  it("gives each provider its SDK base URL below the gateway (DESIGN.md section 7)", () => {
    const endpoints = providerEndpoints(`${GATEWAY}/`, catalogue(), true);
    expect(Object.fromEntries(endpoints.map((e) => [e.provider, [e.baseUrl, e.sdk]]))).toEqual({
      openai: [`${GATEWAY}/openai/v1`, "openai"],
      anthropic: [`${GATEWAY}/anthropic`, "anthropic"],
      groq: [`${GATEWAY}/groq/openai/v1`, "openai"],
      cohere: [`${GATEWAY}/cohere`, "native"],
      // A provider the page does not know: the route, and the provider's own API behind it.
      acme: [`${GATEWAY}/acme`, "native"],
    });
  });

  it("keeps a gateway path prefix and marks own keys only when the plan allows them", () => {
    const endpoints = providerEndpoints("https://id.example.com/gateway", catalogue(), false);
    expect(endpoints.find((e) => e.provider === "openai")!.baseUrl).toBe("https://id.example.com/gateway/openai/v1");
    expect(endpoints.some((e) => e.ownKey)).toBe(false);
    expect(providerEndpoints(GATEWAY, catalogue(), true).filter((e) => e.ownKey).map((e) => e.provider)).toEqual([
      "openai",
      "groq",
      "acme",
    ]);
  });
});

describe("openAiTargets", () => {
  it("lists <gateway>/v1 first, then the providers with an OpenAI-compatible API, with their compatible base URL", () => {
    const targets = openAiTargets(`${GATEWAY}/`, catalogue(), true);
    expect(targets.map((t) => [t.id, t.baseUrl, t.exampleModel])).toEqual([
      ["all", `${GATEWAY}/v1`, "openai/gpt-5.4-mini"],
      ["openai", `${GATEWAY}/openai/v1`, "gpt-5.4-mini"],
      ["anthropic", `${GATEWAY}/anthropic/v1`, "claude-haiku-4-5"],
      ["groq", `${GATEWAY}/groq/openai/v1`, "llama-3.3-70b-versatile"],
    ]);
    expect(targets.map((t) => t.unified)).toEqual([true, false, false, false]);
    expect(targets[0]!.ownKey).toBe(true);
  });

  it("offers no /v1 target when no provider has an OpenAI-compatible API", () => {
    expect(openAiTargets(GATEWAY, [provider("cohere", "Cohere", true)], true)).toEqual([]);
  });

  it("keeps each provider's own base URL beside /v1", () => {
    const targets = openAiTargets(GATEWAY, catalogue(), true).filter((t) => !t.unified);
    expect(targets.map((t) => [t.id, t.baseUrl])).toEqual([
      ["openai", `${GATEWAY}/openai/v1`],
      ["anthropic", `${GATEWAY}/anthropic/v1`],
      ["groq", `${GATEWAY}/groq/openai/v1`],
    ]);
  });

  it("defaults to /v1 with an OpenAI model, unless the user has a key only for another compatible provider", () => {
    const chosen = (providers: Provider[], byokAllowed: boolean) => {
      const target = defaultOpenAiTarget(openAiTargets(GATEWAY, providers, byokAllowed));
      return [target?.id, target?.exampleModel];
    };
    expect(chosen(catalogue(), true)).toEqual(["all", "openai/gpt-5.4-mini"]);
    const groqOnly = [provider("openai", "OpenAI"), provider("groq", "Groq", true)];
    expect(chosen(groqOnly, true)).toEqual(["all", "groq/llama-3.3-70b-versatile"]);
    // No own key anywhere (or a plan without them): OpenAI, which an operator key may serve.
    expect(chosen(groqOnly, false)).toEqual(["all", "openai/gpt-5.4-mini"]);
    // Without /v1 among the targets: the provider /v1 would have named.
    const providersOnly = openAiTargets(GATEWAY, groqOnly, true).filter((t) => !t.unified);
    expect(defaultOpenAiTarget(providersOnly)?.id).toBe("groq");
    expect(defaultOpenAiTarget([])).toBeUndefined();
  });
});

describe("buildSnippets", () => {
  it("offers the OpenAI SDK (Python, Node), the Anthropic SDK, curl, environment variables and Open WebUI", () => {
    expect(Object.keys(snippetsFor(KEY))).toEqual([
      "openai-python",
      "openai-node",
      "anthropic-python",
      "curl",
      "env",
      "open-webui",
    ]);
  });

  it("writes the new key and the gateway's base URLs into every snippet", () => {
    const snippets = snippetsFor(KEY);
    for (const snippet of Object.values(snippets)) {
      expect(snippet.code, snippet.id).toContain(KEY);
      expect(snippet.code, snippet.id).not.toContain(KEY_PLACEHOLDER);
    }
    expect(snippets["openai-python"].code).toContain(`OpenAI(\n    base_url="${GATEWAY}/v1",\n    api_key="${KEY}",`);
    expect(snippets["openai-python"].code).toContain(
      '    # any provider you can use: <provider>/<model>\n    model="openai/gpt-5.4-mini",',
    );
    expect(snippets["openai-node"].code).toContain(`baseURL: "${GATEWAY}/v1",\n  apiKey: "${KEY}",`);
    expect(snippets["openai-node"].code).toContain('  model: "openai/gpt-5.4-mini",');
    expect(snippets["anthropic-python"].code).toContain(`base_url="${GATEWAY}/anthropic",\n    api_key="${KEY}",`);
    expect(snippets.curl.code).toContain(`curl '${GATEWAY}/v1/chat/completions'`);
    expect(snippets.curl.code).toContain('"model":"openai/gpt-5.4-mini"');
    expect(snippets.curl.code).toContain(`-H 'Authorization: Bearer ${KEY}'`);
    expect(snippets.curl.code).toContain(`curl '${GATEWAY}/anthropic/v1/messages'`);
    expect(snippets.curl.code).toContain(`-H 'x-api-key: ${KEY}'`);
    expect(snippets.env.code).toBe(
      `export OPENAI_BASE_URL='${GATEWAY}/v1'\nexport OPENAI_API_KEY='${KEY}'\n` +
        `export ANTHROPIC_BASE_URL='${GATEWAY}/anthropic'\nexport ANTHROPIC_API_KEY='${KEY}'\n`,
    );
    expect(snippets["open-webui"].code).toContain(`URL:      ${GATEWAY}/v1\nModels:   listed from the gateway as <provider>/<model>`);
    expect(snippets["open-webui"].code).toContain('auth_type "system_oauth"');
    expect(snippets["open-webui"].code).toContain(`Bearer ${KEY}`);
  });

  it("uses the placeholder when no new key is on screen", () => {
    for (const snippet of Object.values(snippetsFor(undefined))) {
      expect(snippet.code, snippet.id).toContain(KEY_PLACEHOLDER);
    }
  });

  it("points the OpenAI snippets at the chosen OpenAI-compatible target", () => {
    const groq: OpenAiTarget = openAiTargets(GATEWAY, catalogue(), true).find((t) => t.id === "groq")!;
    const [python] = buildSnippets({ openai: groq, anthropicBaseUrl: undefined, apiKey: KEY });
    expect(python!.code).toContain(`base_url="${GATEWAY}/groq/openai/v1"`);
    expect(python!.code).toContain('model="llama-3.3-70b-versatile"');
    expect(python!.code).not.toContain("<provider>/<model>");
  });

  it("leaves out what the catalogue does not offer", () => {
    const onlyAnthropic = buildSnippets({ openai: undefined, anthropicBaseUrl: `${GATEWAY}/anthropic`, apiKey: KEY });
    expect(onlyAnthropic.map((s) => s.id)).toEqual(["anthropic-python", "curl", "env"]);
    expect(onlyAnthropic.find((s) => s.id === "env")!.code).not.toContain("OPENAI");
    expect(buildSnippets({ openai: undefined, anthropicBaseUrl: undefined, apiKey: KEY })).toEqual([]);
  });

  it("quotes for the shell so that odd characters in a URL stay literal", () => {
    expect(shellQuote("a'b $HOME")).toBe(`'a'\\''b $HOME'`);
  });
});

// The snippets are meant to be pasted and run: each must at least parse in its language, also
// with a gateway URL that needs escaping.
describe("snippets parse in their languages", () => {
  const dir = mkdtempSync(join(tmpdir(), "byok-snippets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const oddGateway = `https://gw.example.com/it's "quoted" $HOME \\ path`;
  const snippets = snippetsFor(KEY, oddGateway);

  const run = (command: string, args: string[], input?: string) => {
    const result = spawnSync(command, args, { input, encoding: "utf8" });
    return { status: result.status, stderr: result.stderr };
  };

  it("the Node snippet is a valid ES module", () => {
    const file = join(dir, "openai.mjs");
    writeFileSync(file, snippets["openai-node"].code);
    expect(run(process.execPath, ["--check", file])).toEqual({ status: 0, stderr: "" });
  });

  it.skipIf(!existsSync("/usr/bin/python3"))("the Python snippets parse, and their URL is exactly the gateway's", () => {
    for (const id of ["openai-python", "anthropic-python"] as const) {
      const script =
        "import ast,sys\ntree=ast.parse(sys.stdin.read())\n" +
        "print([k.value.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg=='base_url'][0])";
      const result = spawnSync("/usr/bin/python3", ["-c", script], { input: snippets[id].code, encoding: "utf8" });
      expect(result.stderr, id).toBe("");
      expect(result.stdout.trim(), id).toBe(id === "openai-python" ? `${oddGateway}/v1` : `${oddGateway}/anthropic`);
    }
  });

  it.skipIf(!existsSync("/bin/sh"))("the shell snippets parse, and the variables hold exactly the URL and key", () => {
    expect(run("/bin/sh", ["-n"], snippets.curl.code)).toEqual({ status: 0, stderr: "" });
    const result = spawnSync("/bin/sh", ["-c", `${snippets.env.code}\nprintf '%s\\n' "$OPENAI_BASE_URL" "$ANTHROPIC_API_KEY"`], {
      encoding: "utf8",
    });
    expect(result.stdout).toBe(`${oddGateway}/v1\n${KEY}\n`);
  });
});
