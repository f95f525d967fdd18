import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createByokClient } from "../src/api/byokClient";
import type { UsageReport } from "../src/api/types";
import { readUsageReport } from "../src/api/usageReport";
import { ApiKeysPage } from "../src/pages/ApiKeysPage";
import { daysBetween, lastDays, sortUsageRows, tokensPerDayByProvider } from "../src/usage/usageSeries";
import { BASE_URL, createFakeSidecar, deferred, defaultUsageRows, json, problem } from "./fakeSidecar";

type Sidecar = ReturnType<typeof createFakeSidecar>;

const USAGE = "/api/v1/byok/usage";
// The fake's rows are from 20 and 22 Oct 2025; "today" is 22 Oct, so both fall in the last 30 days.
const NOW = new Date("2025-10-22T10:15:00Z");

function renderPage(prepare?: (sidecar: Sidecar) => void) {
  const sidecar = createFakeSidecar();
  prepare?.(sidecar);
  const client = createByokClient({ baseUrl: BASE_URL, getToken: async () => "token", fetch: sidecar.fetch });
  const user = userEvent.setup();
  const view = render(<ApiKeysPage client={client} locale="en-GB" />);
  return { sidecar, user, view };
}

const usageSection = () => screen.getByTestId("usage");
const usageRows = () => within(screen.getByTestId("usage-table")).getAllByRole("row").slice(1);
const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((cell) => cell.textContent);
const bars = () => Array.from(document.querySelectorAll<SVGGElement>('[data-testid="usage-bar"]'));

describe("Usage section", () => {
  beforeEach(() => {
    // Only Date is faked: timers stay real, so Testing Library's waits and user-event work as usual.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks for the last 30 UTC days, today included, with the user's token", async () => {
    const { sidecar } = renderPage();
    await screen.findByTestId("usage-table");

    const calls = sidecar.requests.filter((r) => r.method === "GET" && r.path === USAGE);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toEqual({ from: "2025-09-23", to: "2025-10-22" });
    expect(calls[0]!.authorization).toBe("Bearer token");
    expect(screen.getByTestId("usage-range")).toHaveTextContent("23 Sept 2025 to 22 Oct 2025, in UTC days");
  });

  it("shows the API's totals and every row, newest day first, in words", async () => {
    renderPage((sidecar) => {
      // The totals come from the API (they may count calls the rows do not split), not from summing rows.
      sidecar.override("GET", USAGE, (request) =>
        json(200, {
          from: request.query.from,
          to: request.query.to,
          total: { requests: 7, input_tokens: 12345, output_tokens: 550 },
          rows: defaultUsageRows(),
        }),
      );
    });
    await screen.findByTestId("usage-table");

    expect(screen.getByTestId("usage-total-requests")).toHaveTextContent("7");
    expect(screen.getByTestId("usage-total-input")).toHaveTextContent("12,345");
    expect(screen.getByTestId("usage-total-output")).toHaveTextContent("550");
    expect(usageRows().map(cells)).toEqual([
      ["22 Oct 2025", "OpenAI", "Unknown", "Operator's key", "2", "0", "0"],
      ["20 Oct 2025", "Anthropic", "claude-sonnet-4", "Operator's key", "1", "500", "250"],
      ["20 Oct 2025", "OpenAI", "gpt-4o-mini", "Your key", "3", "1,200", "300"],
    ]);
    expect(screen.getByRole("columnheader", { name: "Input tokens" })).toBeInTheDocument();
  });

  it("draws one stacked bar segment per provider and day, days without use as zero", async () => {
    renderPage();
    await screen.findByTestId("usage-chart");

    const drawn = bars();
    // 30 days for each of the two providers in the rows.
    expect(drawn).toHaveLength(60);
    const tokensOf = (provider: string, date: string) =>
      drawn.filter((g) => g.dataset.provider === provider && g.dataset.date === date).map((g) => g.dataset.tokens);
    expect(tokensOf("openai", "2025-10-20")).toEqual(["1500"]);
    expect(tokensOf("anthropic", "2025-10-20")).toEqual(["750"]);
    expect(tokensOf("openai", "2025-10-22")).toEqual(["0"]);
    expect(tokensOf("openai", "2025-10-21")).toEqual(["0"]);
    expect(tokensOf("anthropic", "2025-09-23")).toEqual(["0"]);
    // Each segment is a real bar path.
    expect(drawn.find((g) => g.dataset.provider === "openai" && g.dataset.date === "2025-10-20")!.querySelector("path")!.getAttribute("d")).toMatch(/^M/);
  });

  it("gives the chart a title and a description with each provider's tokens, and points to the table", async () => {
    renderPage();
    await screen.findByTestId("usage-chart");

    const chart = within(usageSection()).getByRole("img", { name: "Tokens per day by provider" });
    expect(chart).toHaveAccessibleDescription(
      "Input plus output tokens per day from 23 Sept 2025 to 22 Oct 2025 (UTC days), stacked by provider. " +
        "OpenAI: 1,500 tokens. Anthropic: 750 tokens. The table below lists the same usage by day, provider, model and key source.",
    );
    expect(screen.getByRole("table", { name: "Usage by day, provider, model and key source" })).toBeInTheDocument();
  });

  it("says there was no usage, without a chart or a table, when the API has no rows", async () => {
    renderPage((sidecar) => {
      sidecar.state.usageRows = [];
    });

    const empty = await screen.findByTestId("no-usage");
    expect(empty).toHaveTextContent("No usage in the last 30 days");
    expect(screen.queryByTestId("usage-chart")).not.toBeInTheDocument();
    expect(screen.queryByTestId("usage-table")).not.toBeInTheDocument();
    expect(screen.queryByTestId("usage-totals")).not.toBeInTheDocument();
  });

  it("shows a spinner while the usage loads", async () => {
    const pending = deferred<Response>();
    const { sidecar } = renderPage((s) => s.override("GET", USAGE, () => pending.promise));
    await screen.findByTestId("gateway-keys-table");

    expect(within(usageSection()).getByRole("progressbar", { name: "Loading your usage" })).toBeInTheDocument();
    expect(screen.getByTestId("usage-refresh")).toBeDisabled();

    pending.resolve(json(200, { from: "2025-09-23", to: "2025-10-22", total: { requests: 0, input_tokens: 0, output_tokens: 0 }, rows: [] }));
    await screen.findByTestId("no-usage");
    expect(screen.queryByRole("progressbar", { name: "Loading your usage" })).not.toBeInTheDocument();
    expect(sidecar.count("GET", USAGE)).toBe(1);
  });

  it("offers Retry when loading the usage fails, and shows it after the retry", async () => {
    const { user } = renderPage((s) => s.override("GET", USAGE, () => problem(500, "")));

    const alert = await screen.findByTestId("usage-error");
    expect(alert).toHaveTextContent("Could not load your usage");
    expect(alert).toHaveTextContent("ran into a problem");
    // Only the usage failed: the page-wide alert is not shown.
    expect(screen.queryByTestId("load-error")).not.toBeInTheDocument();

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    await screen.findByTestId("usage-table");
    expect(screen.queryByTestId("usage-error")).not.toBeInTheDocument();
  });

  it("shows the API's words for a refused range", async () => {
    renderPage((s) => s.override("GET", USAGE, () => problem(400, "The range is longer than 366 days.")));

    const alert = await screen.findByTestId("usage-error");
    expect(alert).toHaveTextContent("The range is longer than 366 days.");
    expect(within(alert).queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
  });

  it("says the gateway does not record usage when it has no usage route", async () => {
    renderPage((s) => s.override("GET", USAGE, () => problem(404, "Not Found")));

    const alert = await screen.findByTestId("usage-error");
    expect(alert).toHaveTextContent("This gateway does not record usage yet.");
  });

  it("says it cannot read an answer of the wrong shape instead of drawing half of it", async () => {
    renderPage((s) => s.override("GET", USAGE, () => json(200, { from: "2025-09-23", to: "2025-10-22", rows: [{ date: "yesterday" }] })));

    const alert = await screen.findByTestId("usage-error");
    expect(alert).toHaveTextContent("does not understand");
    expect(screen.queryByTestId("usage-chart")).not.toBeInTheDocument();
  });

  it("loads the usage again on Refresh", async () => {
    const { sidecar, user } = renderPage((s) => {
      s.state.usageRows = [];
    });
    await screen.findByTestId("no-usage");

    sidecar.state.usageRows = defaultUsageRows();
    await user.click(screen.getByTestId("usage-refresh"));

    await screen.findByTestId("usage-table");
    expect(sidecar.count("GET", USAGE)).toBe(2);
    await waitFor(() => expect(screen.getByTestId("usage-refresh")).toBeEnabled());
  });
});

describe("usage helpers", () => {
  it("takes the last days in UTC, across a year's end", () => {
    expect(lastDays(30, new Date("2026-01-05T23:59:59Z"))).toEqual({ from: "2025-12-07", to: "2026-01-05" });
    // 00:30 in UTC+2 on the 2nd is still the 1st in UTC.
    expect(lastDays(1, new Date("2026-03-02T00:30:00+02:00"))).toEqual({ from: "2026-03-01", to: "2026-03-01" });
  });

  it("lists every day of a range and nothing for a reversed one", () => {
    expect(daysBetween("2024-02-27", "2024-03-01")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(daysBetween("2024-03-02", "2024-03-01")).toEqual([]);
    expect(daysBetween("2000-01-01", "2100-01-01")).toHaveLength(366);
  });

  it("sums input and output tokens per provider and day, ignores rows outside the range, biggest provider first", () => {
    const report: UsageReport = {
      from: "2025-10-20",
      to: "2025-10-22",
      total: { requests: 0, input_tokens: 0, output_tokens: 0 },
      rows: [
        ...defaultUsageRows(),
        { date: "2025-10-20", provider: "openai", model: "gpt-5", key_source: "system", requests: 1, input_tokens: 10, output_tokens: 5 },
        { date: "2025-10-19", provider: "groq", model: "llama", key_source: "byok", requests: 1, input_tokens: 99, output_tokens: 1 },
      ],
    };
    expect(tokensPerDayByProvider(report)).toEqual({
      days: ["2025-10-20", "2025-10-21", "2025-10-22"],
      series: [
        { provider: "openai", tokens: [1515, 0, 0], total: 1515 },
        { provider: "anthropic", tokens: [750, 0, 0], total: 750 },
      ],
    });
  });

  it("sorts rows newest first, then by provider, model and key source", () => {
    const sorted = sortUsageRows(defaultUsageRows().reverse());
    expect(sorted.map((r) => `${r.date} ${r.provider} ${r.model}`)).toEqual([
      "2025-10-22 openai null",
      "2025-10-20 anthropic claude-sonnet-4",
      "2025-10-20 openai gpt-4o-mini",
    ]);
  });

  it("accepts the documented shape and rejects negative, fractional or missing counts", () => {
    const good = { from: "2025-10-20", to: "2025-10-22", total: { requests: 1, input_tokens: 2, output_tokens: 3 }, rows: defaultUsageRows() };
    expect(readUsageReport(good)).toEqual(good);
    expect(readUsageReport({ ...good, rows: [{ ...defaultUsageRows()[0]!, model: undefined }] }).rows[0]!.model).toBeNull();
    for (const bad of [
      { ...good, total: { requests: -1, input_tokens: 2, output_tokens: 3 } },
      { ...good, total: { requests: 1.5, input_tokens: 2, output_tokens: 3 } },
      { ...good, rows: [{ ...defaultUsageRows()[0]!, input_tokens: "12" }] },
      { ...good, rows: [{ ...defaultUsageRows()[0]!, provider: "" }] },
      { ...good, from: "20 Oct" },
      { ...good, rows: null },
      [],
      null,
    ]) {
      expect(() => readUsageReport(bad)).toThrow("does not understand");
    }
  });
});

describe("Usage table pages", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows ten rows a page, newest first, and the rest on the next pages", async () => {
    const { user } = renderPage((sidecar) => {
      sidecar.state.usageRows = Array.from({ length: 25 }, (_, i) => ({
        date: `2025-10-${String(22 - (i % 20)).padStart(2, "0")}`,
        provider: "openai",
        model: `model-${String(i).padStart(2, "0")}`,
        key_source: "byok",
        requests: i + 1,
        input_tokens: 10,
        output_tokens: 1,
      }));
    });
    await screen.findByTestId("usage-table");

    expect(usageRows()).toHaveLength(10);
    expect(usageRows()[0]!.dataset.date).toBe("2025-10-22");
    const bottom = screen.getByTestId("usage-pagination-bottom");
    await user.click(within(bottom).getByRole("button", { name: "Go to next page" }));
    expect(usageRows()).toHaveLength(10);
    await user.click(within(bottom).getByRole("button", { name: "Go to next page" }));
    const last = usageRows();
    expect(last).toHaveLength(5);
    expect(last[last.length - 1]!.dataset.date).toBe("2025-10-03");
  });

  it("has no pages for ten rows or fewer", async () => {
    renderPage();
    await screen.findByTestId("usage-table");
    expect(screen.queryByTestId("usage-pagination-bottom")).not.toBeInTheDocument();
    expect(usageRows()).toHaveLength(3);
  });
});
