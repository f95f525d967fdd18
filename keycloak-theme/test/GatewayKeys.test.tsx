import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createByokClient } from "../src/api/byokClient";
import { KEY_PLACEHOLDER } from "../src/connect/snippets";
import { ApiKeysPage } from "../src/pages/ApiKeysPage";
import { BASE_URL, createFakeSidecar, deferred, fakeGatewayToken, json, problem } from "./fakeSidecar";

type Sidecar = ReturnType<typeof createFakeSidecar>;

const TOKENS = "/api/v1/byok/tokens";
const FIRST_TOKEN = fakeGatewayToken(1);

function renderPage(options: { gatewayUrl?: string } = {}, prepare?: (sidecar: Sidecar) => void) {
  const sidecar = createFakeSidecar();
  prepare?.(sidecar);
  const client = createByokClient({ baseUrl: BASE_URL, getToken: async () => "token", fetch: sidecar.fetch });
  // The clipboard stub must be installed after setup(): user-event brings its own clipboard.
  const user = userEvent.setup();
  const clipboard = { writeText: vi.fn(async (_text: string) => undefined) };
  Object.defineProperty(window.navigator, "clipboard", { value: clipboard, configurable: true });
  const view = render(<ApiKeysPage client={client} gatewayUrl={options.gatewayUrl} locale="en-GB" />);
  return { sidecar, user, view, clipboard };
}

async function renderLoaded(options: { gatewayUrl?: string } = {}, prepare?: (sidecar: Sidecar) => void) {
  const result = renderPage(options, prepare);
  await screen.findByTestId("gateway-keys-table");
  await screen.findByTestId("connect-tool");
  return result;
}

const nameInput = () => screen.getByLabelText(/^Name/) as HTMLInputElement;
const createButton = () => screen.getByRole("button", { name: "Create key" });
const gatewayRow = (name: string) =>
  within(screen.getByTestId("gateway-keys-table"))
    .getAllByRole("row")
    .find((r) => within(r).queryByText(name) !== null);
const snippet = (id: string) => screen.getByTestId(`snippet-${id}`);

async function createKey(user: ReturnType<typeof userEvent.setup>, name = "laptop") {
  await user.type(nameInput(), name);
  await user.click(createButton());
  return screen.findByTestId("new-gateway-key");
}

afterEach(() => {
  Reflect.deleteProperty(window.navigator, "clipboard");
});

describe("Gateway keys", () => {
  it("lists the user's gateway keys by name and preview, never more", async () => {
    await renderLoaded();

    const row = gatewayRow("CI")!;
    expect(row).toHaveTextContent("bgk_****wxyz");
    expect(row).toHaveTextContent("1 Oct 2025");
    expect(row).toHaveTextContent("20 Oct 2025");
    expect(row).toHaveTextContent("30 Dec 2099");
    expect(within(row).getByRole("button", { name: "Revoke the gateway key CI" })).toBeEnabled();
  });

  it("marks expired keys", async () => {
    await renderLoaded({}, (sidecar) => {
      sidecar.state.gatewayKeys[0]!.expires = "2020-01-01T00:00:00Z";
    });
    expect(within(gatewayRow("CI")!).getByText("Expired")).toBeInTheDocument();
  });

  it("creates a key with the chosen name and expiry and shows it once, with the warning", async () => {
    const { sidecar, user, view } = await renderLoaded();

    await user.type(nameInput(), "laptop");
    await user.selectOptions(screen.getByLabelText(/^Expires after/), "30");
    await user.click(createButton());

    const shown = await screen.findByTestId("new-gateway-key");
    expect(sidecar.requests.filter((r) => r.method === "POST" && r.path === TOKENS).map((r) => r.body)).toEqual([
      { name: "laptop", expires_in_days: 30 },
    ]);
    expect(shown).toHaveTextContent('Copy your new gateway key "laptop" now: you will not see it again');
    expect(within(shown).getByLabelText("Your new gateway key")).toHaveValue(FIRST_TOKEN);
    expect(shown).toHaveTextContent("1 Dec 2025");
    expect(nameInput().value).toBe("");
    // The list is read again and shows the new key by its preview.
    await waitFor(() => expect(gatewayRow("laptop")).toBeDefined());
    expect(gatewayRow("laptop")).toHaveTextContent(`bgk_****${FIRST_TOKEN.slice(-4)}`);
    expect(gatewayRow("laptop")).toHaveTextContent("Never");

    // "I have copied it" forgets the key: it is nowhere in the page any more.
    await user.click(within(shown).getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByTestId("new-gateway-key")).not.toBeInTheDocument();
    expect(view.container.innerHTML).not.toContain(FIRST_TOKEN);
    expect(document.body.innerHTML).not.toContain(FIRST_TOKEN);
  });

  it("copies the key to the clipboard and says so only once the clipboard took it", async () => {
    const { user, clipboard } = await renderLoaded();
    const shown = await createKey(user);

    await user.click(within(shown).getByRole("button", { name: "Copy the gateway key" }));

    expect(clipboard.writeText).toHaveBeenCalledWith(FIRST_TOKEN);
    expect(within(shown).getByRole("status")).toHaveTextContent("Copied");
  });

  it("says how to copy by hand when the browser refuses the clipboard", async () => {
    const { user, clipboard } = await renderLoaded();
    clipboard.writeText.mockRejectedValue(new DOMException("denied", "NotAllowedError"));
    const shown = await createKey(user);

    await user.click(within(shown).getByRole("button", { name: "Copy the gateway key" }));

    expect(within(shown).getByRole("status")).toHaveTextContent("Copying is blocked here: select the text and copy it.");
    expect(within(shown).getByRole("status")).not.toHaveTextContent(/^Copied$/);
  });

  it("asks for a name without calling the API", async () => {
    const { sidecar, user } = await renderLoaded();

    await user.click(createButton());

    expect(await screen.findByTestId("gateway-key-name-error")).toHaveTextContent("Enter a name");
    expect(sidecar.count("POST", TOKENS)).toBe(0);
  });

  it("puts the API's 422 messages under the fields, and the limit's 409 message in the alert", async () => {
    const { user } = await renderLoaded({}, (sidecar) => {
      sidecar.override("POST", TOKENS, () =>
        problem(422, "One or more fields are invalid.", {
          Name: ["The name must consist of printable characters."],
          expires_in_days: ["Choose between 1 and 365 days."],
        }),
      );
      // The API answers the per-user limit with 409 Conflict.
      sidecar.override("POST", TOKENS, () => problem(409, "You already have 20 gateway keys; revoke one first."));
    });

    await user.type(nameInput(), "tab\tname");
    await user.click(createButton());
    expect(await screen.findByTestId("gateway-key-name-error")).toHaveTextContent(
      "The name must consist of printable characters.",
    );
    expect(screen.getByTestId("gateway-key-expiry-error")).toHaveTextContent("Choose between 1 and 365 days.");
    expect(screen.queryByTestId("new-gateway-key")).not.toBeInTheDocument();

    await user.click(createButton());
    expect(await screen.findByTestId("create-gateway-key-error")).toHaveTextContent(
      "You already have 20 gateway keys; revoke one first.",
    );
  });

  it("sends one create request for a double click", async () => {
    const gate = deferred<Response>();
    const { sidecar, user } = await renderLoaded({}, (s) => {
      s.override("POST", TOKENS, () => gate.promise);
    });

    await user.type(nameInput(), "laptop");
    await user.dblClick(createButton());
    await act(async () => {
      gate.resolve(
        json(201, { id: "gk-x", name: "laptop", token: FIRST_TOKEN, created: "2025-11-01T10:00:00Z", expires: "2026-01-30T10:00:00Z" }),
      );
    });

    await screen.findByTestId("new-gateway-key");
    expect(sidecar.count("POST", TOKENS)).toBe(1);
  });

  it("revokes a key after confirming, and only then", async () => {
    const { sidecar, user } = await renderLoaded();

    await user.click(within(gatewayRow("CI")!).getByRole("button", { name: "Revoke the gateway key CI" }));
    const modal = await screen.findByRole("dialog");
    expect(within(modal).getByRole("heading")).toHaveTextContent('Revoke the gateway key "CI"?');
    expect(modal).toHaveTextContent("Every tool that uses this key is refused from its next call on.");
    await user.click(within(modal).getByRole("button", { name: "Cancel" }));
    expect(sidecar.count("DELETE", `${TOKENS}/gk-ci`)).toBe(0);

    await user.click(within(gatewayRow("CI")!).getByRole("button", { name: "Revoke the gateway key CI" }));
    await user.dblClick(await screen.findByTestId("confirm-revoke"));

    expect(await screen.findByTestId("gateway-key-notice")).toHaveTextContent('The gateway key "CI" was revoked.');
    expect(await screen.findByTestId("no-gateway-keys")).toBeInTheDocument();
    expect(sidecar.count("DELETE", `${TOKENS}/gk-ci`)).toBe(1);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("treats a key revoked elsewhere (404) as gone and reloads the list", async () => {
    const { sidecar, user } = await renderLoaded({}, (s) => {
      s.override("DELETE", `${TOKENS}/gk-ci`, () => {
        s.state.gatewayKeys = [];
        return problem(404, "No gateway key with this id.");
      });
    });

    await user.click(within(gatewayRow("CI")!).getByRole("button", { name: "Revoke the gateway key CI" }));
    await user.click(await screen.findByTestId("confirm-revoke"));

    expect(await screen.findByTestId("gateway-key-notice")).toHaveTextContent("no longer exists");
    expect(await screen.findByTestId("no-gateway-keys")).toBeInTheDocument();
    expect(sidecar.count("GET", TOKENS)).toBe(2);
  });

  it("forgets the freshly created key when it is revoked", async () => {
    const { user } = await renderLoaded();
    await createKey(user);
    await waitFor(() => expect(gatewayRow("laptop")).toBeDefined());

    await user.click(within(gatewayRow("laptop")!).getByRole("button", { name: "Revoke the gateway key laptop" }));
    await user.click(await screen.findByTestId("confirm-revoke"));

    await screen.findByTestId("gateway-key-notice");
    expect(screen.queryByTestId("new-gateway-key")).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(FIRST_TOKEN);
  });

  it("says so when the gateway has no gateway keys yet (an older sidecar: 404)", async () => {
    renderPage({}, (sidecar) => sidecar.override("GET", TOKENS, () => problem(404, "Not Found")));
    expect(await screen.findByTestId("gateway-keys-error")).toHaveTextContent(
      "This gateway does not offer gateway keys yet.",
    );
    expect(screen.queryByTestId("load-error")).not.toBeInTheDocument();
  });
});

describe("Connect a tool", () => {
  it("shows the gateway's base URLs for the providers with a stored key, from the sidecar URL by default", async () => {
    await renderLoaded();

    const table = screen.getByTestId("connect-base-urls");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-provider"))).toEqual(["openai"]);
    expect(within(rows[0]!).getByTestId("base-url")).toHaveTextContent(`${BASE_URL}/openai/v1`);
    // Above them, the one base URL for every provider (DESIGN.md section 11).
    expect(screen.getByTestId("unified-base-url")).toHaveTextContent(`${BASE_URL}/v1`);
    expect(screen.getByTestId("connect-unified")).toHaveTextContent("for example openai/gpt-5.4-mini");
  });

  it("uses the configured public gateway URL, and lists every provider on request", async () => {
    const { user } = await renderLoaded({ gatewayUrl: "https://llm.example.com/" });

    expect(within(screen.getByTestId("connect-base-urls")).getByTestId("base-url")).toHaveTextContent(
      "https://llm.example.com/openai/v1",
    );
    await user.click(screen.getByRole("button", { name: "Base URLs of every provider" }));
    const all = screen.getByTestId("connect-all-base-urls");
    expect(within(all).getAllByTestId("base-url").map((c) => c.textContent)).toEqual([
      "https://llm.example.com/openai/v1",
      "https://llm.example.com/anthropic",
      "https://llm.example.com/custom",
    ]);
    expect(screen.getByTestId("unified-base-url")).toHaveTextContent("https://llm.example.com/v1");
    expect(snippet("openai-python")).toHaveTextContent('base_url="https://llm.example.com/v1"');
  });

  it("fills the new key into the snippets while it is shown, the placeholder before and after", async () => {
    const { user } = await renderLoaded();
    expect(snippet("env")).toHaveTextContent(`export OPENAI_API_KEY='${KEY_PLACEHOLDER}'`);

    const shown = await createKey(user);
    for (const id of ["openai-python", "openai-node", "anthropic-python", "curl", "env", "open-webui"]) {
      expect(snippet(id).textContent, id).toContain(FIRST_TOKEN);
    }
    expect(screen.getByTestId("snippet-key-state")).toHaveTextContent('contain your new key "laptop"');

    await user.click(within(shown).getByRole("button", { name: "I have copied it" }));
    expect(snippet("env")).toHaveTextContent(`export OPENAI_API_KEY='${KEY_PLACEHOLDER}'`);
    expect(snippet("env")).toHaveTextContent(`export ANTHROPIC_BASE_URL='${BASE_URL}/anthropic'`);
  });

  it("copies a snippet exactly as shown", async () => {
    const { user, clipboard } = await renderLoaded();
    await createKey(user);

    await user.click(screen.getByRole("tab", { name: "Env vars" }));
    await user.click(screen.getByRole("button", { name: "Copy the Env vars snippet" }));

    expect(clipboard.writeText).toHaveBeenCalledWith(
      `export OPENAI_BASE_URL='${BASE_URL}/v1'\nexport OPENAI_API_KEY='${FIRST_TOKEN}'\n` +
        `export ANTHROPIC_BASE_URL='${BASE_URL}/anthropic'\nexport ANTHROPIC_API_KEY='${FIRST_TOKEN}'\n`,
    );
  });

  it("points the OpenAI-compatible snippets at /v1 by default, or at the provider chosen", async () => {
    const { user } = await renderLoaded();
    expect(snippet("openai-python")).toHaveTextContent(`base_url="${BASE_URL}/v1"`);
    expect(snippet("openai-python")).toHaveTextContent('model="openai/gpt-5.4-mini"');
    expect(snippet("open-webui")).toHaveTextContent(`URL: ${BASE_URL}/v1`);

    await user.selectOptions(screen.getByLabelText("OpenAI-compatible endpoint in the snippets"), "anthropic");

    expect(snippet("openai-python")).toHaveTextContent(`base_url="${BASE_URL}/anthropic/v1"`);
    expect(snippet("open-webui")).toHaveTextContent(`URL: ${BASE_URL}/anthropic/v1`);
    expect(snippet("openai-python")).toHaveTextContent('model="claude-haiku-4-5"');
  });

  it("lists no own providers when the plan does not include own keys, and says why", async () => {
    await renderLoaded({}, (sidecar) => {
      sidecar.state.stats = { ...sidecar.state.stats, user_tier: "free", byok_allowed: false };
    });

    expect(screen.queryByTestId("connect-base-urls")).not.toBeInTheDocument();
    expect(screen.getByTestId("connect-no-own-keys")).toHaveTextContent("Your plan does not include your own provider keys.");
    // Gateway keys still work with the operator's keys, so they can still be created.
    expect(screen.getByTestId("create-gateway-key-form")).toBeInTheDocument();
  });
});
