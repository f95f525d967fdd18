// The Usage section of the API keys page in Chromium against the real stack: a new user makes a
// few OpenAI-shaped calls through the gateway (the fake provider's answers carry usage), the
// gateway meters them into its ledger, and the page shows what GET /api/v1/byok/usage returns:
// the totals, every row of the table, and a bar for that provider on today's date.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { USER_OPENAI_KEY } from '../../harness/stack.mjs';
import {
  harnessUrl, redacting, RESULTS_DIR, secret, startPageStack,
} from '../support/browser.mjs';

const SHOTS = join(RESULTS_DIR, 'browser');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Waits are for UI or API state, never fixed sleeps; this bounds each wait on a slow machine.
const UI_TIMEOUT = 30_000;
// The page formats numbers and days in the browser's locale; the context fixes it.
const LOCALE = 'en-US';
const count = (value) => new Intl.NumberFormat(LOCALE).format(value);
const day = (iso) => new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
const KEY_SOURCE = { byok: 'Your key', system: "Operator's key" };

describe('Usage on the API keys page in Chromium against the sidecar', { timeout: 600_000 }, () => {
  let started;
  let harness;
  let stack;
  let browser;

  before(async () => {
    started = await startPageStack();
    ({ harness, stack, browser } = started);
  }, { timeout: 180_000 });

  after(async () => {
    await started?.stop();
  });

  async function api(token, method, path, body) {
    const response = await fetch(`${stack.sidecarUrl}/api/v1/byok${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** GET /usage of the last 30 UTC days (the page's range), once it has counted `requests` calls. */
  async function usageOnceCounted(token, requests) {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      const { status, body } = await api(token, 'GET', `/usage?from=${from}&to=${to}`);
      assert.equal(status, 200, `GET /usage answered ${status}: ${JSON.stringify(body)}`);
      // The ledger writes in batches off the request path: bounded wait until it has them all.
      if (body.total.requests >= requests || Date.now() > deadline) return body;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function openPage(t, token, viewport = { width: 1280, height: 1000 }) {
    const context = await browser.newContext({ viewport, locale: LOCALE });
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(harnessUrl(harness.origin, stack.sidecarUrl, secret(token)));
    await page.getByTestId('api-keys-page').waitFor();
    return page;
  }

  /** The page at its full height (PatternFly scrolls inside <main>), as a PNG in test-results/browser. */
  async function screenshot(page, name, width) {
    const path = join(SHOTS, name);
    await rm(path, { force: true });
    await page.setViewportSize({ width, height: 800 });
    const height = await page.evaluate(() => {
      const main = document.querySelector('main');
      return Math.ceil((main?.getBoundingClientRect().top ?? 0) + (main?.scrollHeight ?? document.body.scrollHeight));
    });
    await page.setViewportSize({ width, height: Math.max(height, 600) });
    // The chart follows its container's width: wait until it has been drawn at this width.
    await page.waitForFunction(() => {
      const container = document.querySelector('[data-testid="usage-chart"]');
      const svg = container?.querySelector('svg');
      return svg != null && Math.abs(Number(svg.getAttribute('width')) - container.clientWidth) <= 1;
    });
    await page.screenshot({ path, fullPage: true });
    const png = await readFile(path);
    assert.ok(png.length > PNG_SIGNATURE.length && png.subarray(0, 8).equals(PNG_SIGNATURE), `${path} is a PNG`);
  }

  test('a new user chats through the gateway and the page shows the same usage as the API, with a bar for today', redacting(async (t) => {
    const user = await stack.createUser('starter', 'usage');
    secret(user.password);
    const token = secret(await stack.token(user.username, user.password));

    // Before any call: the empty state.
    const empty = await openPage(t, token);
    await empty.getByTestId('no-usage').waitFor();
    assert.match(await empty.getByTestId('no-usage').innerText(), /No usage in the last 30 days/);
    assert.equal(await empty.getByTestId('usage-chart').count(), 0, 'no chart without usage');

    // Three calls as the user: two on the operator's OpenAI key, then one on the user's own key.
    const client = new OpenAI({ baseURL: `${stack.sidecarUrl}/v1`, apiKey: token, maxRetries: 0 });
    const reported = [];
    const chat = async (content, keySource) => {
      const { data, response } = await client.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] })
        .withResponse();
      assert.equal(response.headers.get('x-byok-key-source'), keySource);
      assert.ok(data.usage && data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0, 'the fake provider reports usage');
      reported.push({ keySource, input: data.usage.prompt_tokens, output: data.usage.completion_tokens });
    };
    await chat('hello from the usage test', 'system');
    await chat('a second question, a little longer than the first one', 'system');
    assert.equal((await api(token, 'POST', '/keys/add', { provider: 'openai', key: USER_OPENAI_KEY })).status, 200);
    await chat('and one on my own key', 'byok');

    const report = await usageOnceCounted(token, 3);
    const today = report.to;
    const sum = (rows, pick) => rows.reduce((total, row) => total + pick(row), 0);
    // What the API returns is what the provider reported, call by call.
    assert.deepEqual(report.total, {
      requests: 3,
      input_tokens: sum(reported, (r) => r.input),
      output_tokens: sum(reported, (r) => r.output),
    });
    assert.deepEqual(report.rows.map((r) => `${r.date} ${r.provider} ${r.key_source} ${r.requests}`).sort(), [
      `${today} openai byok 1`,
      `${today} openai system 2`,
    ]);

    // The page: totals, every row of the table, and today's bar.
    const page = await openPage(t, token);
    const table = page.getByTestId('usage-table');
    await table.waitFor();
    assert.equal(await page.getByTestId('usage-total-requests').innerText(), count(report.total.requests));
    assert.equal(await page.getByTestId('usage-total-input').innerText(), count(report.total.input_tokens));
    assert.equal(await page.getByTestId('usage-total-output').innerText(), count(report.total.output_tokens));

    const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => ({
      date: row.dataset.date,
      provider: row.dataset.provider,
      model: row.dataset.model,
      keySource: row.dataset.keySource,
      cells: [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim()),
    })));
    const expected = [...report.rows]
      .sort((a, b) => b.date.localeCompare(a.date) || a.provider.localeCompare(b.provider) || (a.model ?? '').localeCompare(b.model ?? '') || a.key_source.localeCompare(b.key_source))
      .map((r) => ({
        date: r.date,
        provider: r.provider,
        model: r.model ?? '',
        keySource: r.key_source,
        cells: [day(r.date), 'OpenAI', r.model ?? 'Unknown', KEY_SOURCE[r.key_source], count(r.requests), count(r.input_tokens), count(r.output_tokens)],
      }));
    assert.deepEqual(shown, expected);

    // The chart: 30 days of OpenAI bars; today's holds all of today's tokens and is drawn with a height.
    const bars = page.locator('[data-testid="usage-bar"][data-provider="openai"]');
    assert.equal(await bars.count(), 30, 'one OpenAI bar per day of the last 30, days without use included');
    const todayBar = page.locator(`[data-testid="usage-bar"][data-provider="openai"][data-date="${today}"]`);
    assert.equal(Number(await todayBar.getAttribute('data-tokens')), report.total.input_tokens + report.total.output_tokens);
    const box = await todayBar.locator('path').boundingBox();
    assert.ok(box && box.height > 1 && box.width > 1, `today's bar is drawn (${JSON.stringify(box)})`);
    const zeroDays = await bars.evaluateAll((gs) => gs.filter((g) => g.dataset.tokens === '0').length);
    assert.equal(zeroDays, 29, 'the other 29 days are drawn as zero');
    // The chart's text alternative names the provider and its tokens.
    const chart = page.getByRole('img', { name: 'Tokens per day by provider' });
    const description = await chart.evaluate((svg) => svg.querySelector('desc')?.textContent ?? '');
    assert.ok(description.includes(`OpenAI: ${count(report.total.input_tokens + report.total.output_tokens)} tokens.`), description);

    await mkdir(SHOTS, { recursive: true });
    await screenshot(page, 'usage.png', 1440);
    await screenshot(page, 'usage-narrow.png', 400);
    // The section alone at phone width, large enough to read (the whole page is 6000 px tall there).
    const section = join(SHOTS, 'usage-narrow-section.png');
    await page.locator('.pf-v5-c-card', { has: page.getByTestId('usage') }).screenshot({ path: section });
    assert.ok((await readFile(section)).subarray(0, 8).equals(PNG_SIGNATURE), `${section} is a PNG`);
  }));
});
