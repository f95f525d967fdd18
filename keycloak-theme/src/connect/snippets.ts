import type { OpenAiTarget } from "./endpoints";

/** Stands in for the key when no freshly created one is on screen. */
export const KEY_PLACEHOLDER = "YOUR_GATEWAY_KEY";

export type SnippetId = "openai-python" | "openai-node" | "anthropic-python" | "curl" | "env" | "open-webui";

export type Snippet = {
  id: SnippetId;
  /** Tab title. */
  title: string;
  /** What to do with it, in one sentence. */
  hint: string;
  code: string;
};

export type SnippetInput = {
  /** Where the OpenAI SDK, curl, OPENAI_BASE_URL and Open WebUI go. */
  openai: OpenAiTarget | undefined;
  /** The Anthropic SDK's base URL (`<gateway>/anthropic`), when the catalogue has Anthropic. */
  anthropicBaseUrl: string | undefined;
  /** The gateway key to write in; the placeholder when undefined. */
  apiKey: string | undefined;
};

const ANTHROPIC_MODEL = "claude-haiku-4-5";
const PROMPT = "Say hello";

/** A string literal both Python and JavaScript read back as exactly `value`. */
const literal = (value: string) => JSON.stringify(value);

/** A POSIX shell word that stays exactly `value`. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The comment above the model in a snippet for `<gateway>/v1`. */
const UNIFIED_MODEL_NOTE = "any provider you can use: <provider>/<model>";

function openAiPython(target: OpenAiTarget, key: string): string {
  const note = target.unified ? `    # ${UNIFIED_MODEL_NOTE}\n` : "";
  return `from openai import OpenAI

client = OpenAI(
    base_url=${literal(target.baseUrl)},
    api_key=${literal(key)},
)
reply = client.chat.completions.create(
${note}    model=${literal(target.exampleModel)},
    messages=[{"role": "user", "content": ${literal(PROMPT)}}],
)
print(reply.choices[0].message.content)
`;
}

function openAiNode(target: OpenAiTarget, key: string): string {
  const note = target.unified ? `  // ${UNIFIED_MODEL_NOTE}\n` : "";
  return `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: ${literal(target.baseUrl)},
  apiKey: ${literal(key)},
});
const reply = await client.chat.completions.create({
${note}  model: ${literal(target.exampleModel)},
  messages: [{ role: "user", content: ${literal(PROMPT)} }],
});
console.log(reply.choices[0].message.content);
`;
}

function anthropicPython(baseUrl: string, key: string): string {
  return `from anthropic import Anthropic

client = Anthropic(
    base_url=${literal(baseUrl)},
    api_key=${literal(key)},
)
message = client.messages.create(
    model=${literal(ANTHROPIC_MODEL)},
    max_tokens=1024,
    messages=[{"role": "user", "content": ${literal(PROMPT)}}],
)
print(message.content[0].text)
`;
}

function curl(target: OpenAiTarget | undefined, anthropic: string | undefined, key: string): string {
  const parts: string[] = [];
  if (target) {
    const body = JSON.stringify({ model: target.exampleModel, messages: [{ role: "user", content: PROMPT }] });
    parts.push(`curl ${shellQuote(`${target.baseUrl}/chat/completions`)} \\
  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\
  -H 'Content-Type: application/json' \\
  -d ${shellQuote(body)}
`);
  }
  if (anthropic) {
    const body = JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 1024, messages: [{ role: "user", content: PROMPT }] });
    parts.push(`curl ${shellQuote(`${anthropic}/v1/messages`)} \\
  -H ${shellQuote(`x-api-key: ${key}`)} \\
  -H 'anthropic-version: 2023-06-01' \\
  -H 'Content-Type: application/json' \\
  -d ${shellQuote(body)}
`);
  }
  return parts.join("\n");
}

function environment(target: OpenAiTarget | undefined, anthropic: string | undefined, key: string): string {
  const lines: string[] = [];
  if (target) {
    lines.push(`export OPENAI_BASE_URL=${shellQuote(target.baseUrl)}`, `export OPENAI_API_KEY=${shellQuote(key)}`);
  }
  if (anthropic) {
    lines.push(`export ANTHROPIC_BASE_URL=${shellQuote(anthropic)}`, `export ANTHROPIC_API_KEY=${shellQuote(key)}`);
  }
  return `${lines.join("\n")}\n`;
}

function openWebUi(target: OpenAiTarget, key: string): string {
  const models = target.unified
    ? "Models:   listed from the gateway as <provider>/<model>, for every provider\n          you can use\n"
    : "";
  return `Admin Settings > Connections > OpenAI > Add Connection
URL:      ${target.baseUrl}
${models}Auth:     OAuth  (auth_type "system_oauth": Open WebUI signs users in with
          this Keycloak and sends each user's own token; no key needed)
  or:     Bearer ${key}
          (this gateway key: every chat uses your keys)
`;
}

/**
 * Copy-ready snippets for the gateway. Pure: the page renders what this returns; the OpenAI
 * ones go to the target chosen, by default the single `<gateway>/v1` endpoint.
 */
export function buildSnippets({ openai, anthropicBaseUrl, apiKey }: SnippetInput): Snippet[] {
  const key = apiKey ?? KEY_PLACEHOLDER;
  const snippets: Snippet[] = [];
  if (openai) {
    snippets.push(
      {
        id: "openai-python",
        title: "Python",
        hint: "OpenAI SDK for Python (pip install openai).",
        code: openAiPython(openai, key),
      },
      {
        id: "openai-node",
        title: "Node.js",
        hint: "OpenAI SDK for Node.js (npm install openai); an ES module, save it as .mjs.",
        code: openAiNode(openai, key),
      },
    );
  }
  if (anthropicBaseUrl) {
    snippets.push({
      id: "anthropic-python",
      title: "Anthropic",
      hint: "Anthropic SDK for Python (pip install anthropic).",
      code: anthropicPython(anthropicBaseUrl, key),
    });
  }
  if (openai || anthropicBaseUrl) {
    snippets.push(
      { id: "curl", title: "curl", hint: "Any shell with curl.", code: curl(openai, anthropicBaseUrl, key) },
      {
        id: "env",
        title: "Env vars",
        hint: "The OpenAI and Anthropic SDKs (and tools built on them) read these variables.",
        code: environment(openai, anthropicBaseUrl, key),
      },
    );
  }
  if (openai) {
    snippets.push({
      id: "open-webui",
      title: "Open WebUI",
      hint: "An OpenAI connection in Open WebUI 0.6.27 or later.",
      code: openWebUi(openai, key),
    });
  }
  return snippets;
}
