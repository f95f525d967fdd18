import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { createByokClient, type TokenProvider } from "../src/api/byokClient";
import { ApiKeysPage } from "../src/pages/ApiKeysPage";
import { BASE_URL, createFakeSidecar, deferred, json, problem } from "./fakeSidecar";

type Sidecar = ReturnType<typeof createFakeSidecar>;

function renderPage(options: { getToken?: TokenProvider; onSignIn?: () => void } = {}, prepare?: (sidecar: Sidecar) => void) {
  const sidecar = createFakeSidecar();
  prepare?.(sidecar);
  const client = createByokClient({
    baseUrl: BASE_URL,
    getToken: options.getToken ?? (async () => "token"),
    fetch: sidecar.fetch,
  });
  const user = userEvent.setup();
  const view = render(<ApiKeysPage client={client} onSignIn={options.onSignIn} locale="en-GB" />);
  return { sidecar, user, view };
}

/** Renders, then waits until the first loads are done. */
async function renderLoaded() {
  const result = renderPage();
  await screen.findByTestId("tier-summary");
  await screen.findByTestId("keys-table");
  return result;
}

const providerSelect = () => screen.getByRole("combobox", { name: /^Provider/ });
const submitButton = () =>
  within(screen.getByTestId("add-key-form")).getByRole("button", { name: /^(Save key|Replace key)$/ });
const keyInput = () => screen.getByLabelText(/^API key/) as HTMLInputElement;
const row = (provider: string) =>
  within(screen.getByTestId("keys-table")).getAllByRole("row").find((r) => r.getAttribute("data-provider") === provider)!;

describe("ApiKeysPage", () => {
  it("lists the providers with their state and the stored keys, masked", async () => {
    await renderLoaded();

    const providers = screen.getByTestId("providers-table");
    expect(within(providers).getByText("OpenAI").closest("tr")).toHaveTextContent("Configured");
    expect(within(providers).getByText("Anthropic").closest("tr")).toHaveTextContent("Not configured");

    const openai = row("openai");
    expect(openai).toHaveTextContent("sk-p****wxyz");
    expect(openai).toHaveTextContent("work account");
    expect(openai).toHaveTextContent("Not tested");
    // The legacy zone-less date is UTC: 22:00 on 10 October.
    expect(openai).toHaveTextContent(/10 Oct 2025/);
    expect(screen.getByTestId("tier-summary")).toHaveTextContent("Your plan: starter");
  });

  it("shows the endpoint field only for the custom provider and requires it there", async () => {
    const { sidecar, user } = await renderLoaded();

    await user.selectOptions(providerSelect(), "openai");
    expect(screen.queryByLabelText(/^Endpoint/)).not.toBeInTheDocument();

    await user.selectOptions(providerSelect(), "custom");
    const endpoint = screen.getByLabelText(/^Endpoint/);
    expect(endpoint).toBeInTheDocument();

    await user.type(keyInput(), "my-custom-key-123");
    await user.click(submitButton());
    expect(await screen.findByTestId("endpoint-error")).toHaveTextContent("Enter the base URL of your endpoint.");
    expect(sidecar.count("POST", "/api/v1/byok/keys/add")).toBe(0);

    await user.type(endpoint, "https://llm.example.com/v1");
    await user.click(submitButton());
    await screen.findByTestId("add-key-success");
    const sent = sidecar.requests.find((r) => r.path === "/api/v1/byok/keys/add")!;
    expect(sent.body).toEqual({ provider: "custom", key: "my-custom-key-123", endpoint: "https://llm.example.com/v1" });
  });

  it("never sends an endpoint for other providers", async () => {
    const { sidecar, user } = await renderLoaded();

    await user.selectOptions(providerSelect(), "custom");
    await user.type(screen.getByLabelText(/^Endpoint/), "https://llm.example.com/v1");
    await user.selectOptions(providerSelect(), "anthropic");
    await user.type(keyInput(), "sk-ant-abcdefghij");
    await user.click(submitButton());

    await screen.findByTestId("add-key-success");
    expect(sidecar.requests.find((r) => r.path === "/api/v1/byok/keys/add")!.body).toEqual({
      provider: "anthropic",
      key: "sk-ant-abcdefghij",
    });
  });

  it("adds a key, clears the key field and refreshes the list", async () => {
    const { sidecar, user } = await renderLoaded();
    const keyLoadsBefore = sidecar.count("GET", "/api/v1/byok/keys");

    await user.selectOptions(providerSelect(), "anthropic");
    expect(keyInput()).toHaveAttribute("type", "password");
    await user.type(keyInput(), "sk-ant-abcdefghij");
    await user.type(screen.getByLabelText(/^Label/), "home");
    await user.click(submitButton());

    expect(await screen.findByTestId("add-key-success")).toHaveTextContent("Your Anthropic key was saved.");
    expect(keyInput().value).toBe("");
    await waitFor(() => expect(row("anthropic")).toHaveTextContent("home"));
    expect(sidecar.count("GET", "/api/v1/byok/keys")).toBeGreaterThan(keyLoadsBefore);
  });

  it("puts the API's 422 message under the key field, e.g. for a pasted trailing space", async () => {
    const { sidecar, user } = await renderLoaded();
    sidecar.override("POST", "/api/v1/byok/keys/add", () =>
      problem(422, "One or more fields are invalid.", {
        key: ["The key must not contain whitespace or control characters."],
      }),
    );

    await user.selectOptions(providerSelect(), "openai");
    await user.type(keyInput(), "sk-abcdefghijk ");
    await user.click(submitButton());

    expect(await screen.findByTestId("key-error")).toHaveTextContent(
      "The key must not contain whitespace or control characters.",
    );
    expect(screen.getByTestId("add-key-error")).toHaveTextContent("One or more fields are invalid.");
    // The key went to the API exactly as typed, and the field is cleared afterwards.
    expect(sidecar.requests.find((r) => r.path === "/api/v1/byok/keys/add")!.body).toMatchObject({
      key: "sk-abcdefghijk ",
    });
    expect(keyInput().value).toBe("");
  });

  it("offers Retry when saving hits an outage, and the retry sends the same request", async () => {
    const { sidecar, user } = await renderLoaded();
    sidecar.override("POST", "/api/v1/byok/keys/add", () => problem(503, "The key store is unavailable; try again shortly."));

    await user.selectOptions(providerSelect(), "anthropic");
    await user.type(keyInput(), "sk-ant-abcdefghij");
    await user.click(submitButton());

    const alert = await screen.findByTestId("add-key-error");
    expect(alert).toHaveTextContent("The key store is unavailable; try again shortly.");
    expect(keyInput().value).toBe("");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));

    expect(await screen.findByTestId("add-key-success")).toHaveTextContent("Your Anthropic key was saved.");
    const adds = sidecar.requests.filter((r) => r.path === "/api/v1/byok/keys/add");
    expect(adds.map((r) => r.body)).toEqual([
      { provider: "anthropic", key: "sk-ant-abcdefghij" },
      { provider: "anthropic", key: "sk-ant-abcdefghij" },
    ]);
    await waitFor(() => expect(row("anthropic")).toBeInTheDocument());
  });

  it("shows the detail of a 403", async () => {
    const { sidecar, user } = await renderLoaded();
    sidecar.override("POST", "/api/v1/byok/keys/add", () =>
      problem(403, "Your plan (free) does not allow your own keys; starter or higher is required."),
    );

    await user.selectOptions(providerSelect(), "anthropic");
    await user.type(keyInput(), "sk-ant-abcdefghij");
    await user.click(submitButton());

    expect(await screen.findByTestId("add-key-error")).toHaveTextContent(
      "Your plan (free) does not allow your own keys; starter or higher is required.",
    );
  });

  it("tells a user whose plan excludes own keys why, and offers no way to add one", async () => {
    renderPage({}, (sidecar) => {
      sidecar.state.stats = { ...sidecar.state.stats, user_tier: "free", byok_allowed: false, required_tier: "starter" };
    });

    const notice = await screen.findByTestId("tier-notice");
    expect(notice).toHaveTextContent(
      "Your plan (free) does not include your own API keys; starter or higher is required.",
    );
    // The stored key is still listed (it can be deleted), but nothing invites adding one.
    await screen.findByTestId("keys-table");
    await screen.findByTestId("providers-table");
    expect(notice).toHaveTextContent("Keys you stored earlier are kept");
    expect(screen.queryByTestId("add-key-form")).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^API key/)).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Add key|Replace key|Save key/ })).not.toBeInTheDocument();
  });

  it("shows the add form when the plan allows own keys", async () => {
    await renderLoaded();
    await screen.findByTestId("add-key-form");
    expect(screen.queryByTestId("tier-notice")).not.toBeInTheDocument();
  });

  it("sends one delete request for a double click on confirm", async () => {
    const { sidecar, user } = await renderLoaded();
    const inFlight = deferred<Response>();
    sidecar.override("DELETE", "/api/v1/byok/keys/openai", () => inFlight.promise);

    await user.click(within(row("openai")).getByRole("button", { name: /Delete the OpenAI key/ }));
    const modal = await screen.findByRole("dialog");
    const confirm = within(modal).getByRole("button", { name: "Delete" });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    await user.dblClick(confirm);

    expect(confirm).toBeDisabled();
    expect(sidecar.count("DELETE", "/api/v1/byok/keys/openai")).toBe(1);

    sidecar.state.keys = [];
    await act(async () => inFlight.resolve(json(200, { message: "API key removed successfully", provider: "openai" })));

    expect(await screen.findByTestId("page-notice")).toHaveTextContent("Your OpenAI key was deleted.");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByTestId("no-keys")).toBeInTheDocument();
    expect(sidecar.count("DELETE", "/api/v1/byok/keys/openai")).toBe(1);
  });

  it("tests a key once per click burst and shows the result", async () => {
    const { sidecar } = await renderLoaded();

    const testButton = within(row("openai")).getByRole("button", { name: /Test the OpenAI key/ });
    fireEvent.click(testButton);
    fireEvent.click(testButton);

    expect(await within(row("openai")).findByTestId("test-result")).toHaveTextContent("The provider accepted the key.");
    expect(row("openai")).toHaveTextContent("Valid");
    expect(sidecar.count("POST", "/api/v1/byok/keys/test/openai")).toBe(1);
  });

  it("offers Retry when the sidecar cannot be reached, and recovers", async () => {
    const sidecar = createFakeSidecar();
    const failing = vi.fn(() => Promise.reject(new TypeError("Failed to fetch")));
    let down = true;
    const client = createByokClient({
      baseUrl: BASE_URL,
      getToken: async () => "token",
      fetch: (input, init) => (down ? failing() : sidecar.fetch(input, init)),
    });
    const user = userEvent.setup();
    render(<ApiKeysPage client={client} />);

    const alert = await screen.findByTestId("load-error");
    expect(alert).toHaveTextContent("can't be reached");
    // Providers, keys, stats, gateway keys and usage: one failed attempt each, one alert for all.
    expect(failing).toHaveBeenCalledTimes(5);
    expect(screen.queryByTestId("gateway-keys-error")).not.toBeInTheDocument();
    expect(screen.queryByTestId("usage-error")).not.toBeInTheDocument();

    down = false;
    await user.click(within(alert).getByRole("button", { name: "Retry" }));

    await screen.findByTestId("keys-table");
    await screen.findByTestId("gateway-keys-table");
    await screen.findByTestId("usage-table");
    expect(screen.queryByTestId("load-error")).not.toBeInTheDocument();
  });

  it("says the session expired after a refresh did not help, and offers to sign in", async () => {
    const onSignIn = vi.fn();
    const sidecar = createFakeSidecar();
    for (const path of ["/api/v1/byok/providers", "/api/v1/byok/keys", "/api/v1/byok/stats", "/api/v1/byok/tokens"]) {
      sidecar.override("GET", path, () => problem(401, "Unauthorized"), 2);
    }
    const client = createByokClient({ baseUrl: BASE_URL, getToken: async () => "token", fetch: sidecar.fetch });
    const user = userEvent.setup();
    render(<ApiKeysPage client={client} onSignIn={onSignIn} />);

    const alert = await screen.findByTestId("load-error");
    expect(alert).toHaveTextContent("Session expired");
    expect(alert).toHaveTextContent("Sign in again to manage your API keys.");
    expect(screen.getAllByText(/Session expired/)).toHaveLength(1);
    expect(within(alert).queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();

    await user.click(within(alert).getByRole("button", { name: "Sign in again" }));
    expect(onSignIn).toHaveBeenCalledTimes(1);
  });
});
