// Gateway keys and "Connect a tool" on the API keys page, as a user meets them in Chromium: bob
// creates a key on the page, copies it with the page's button (read back from the real clipboard),
// takes the base URL from the page's own snippet, chats through the gateway with the official
// OpenAI SDK using that key (his stored OpenAI key reaches the provider), revokes it on the page,
// and the next SDK call is refused. Every step checks the page and what the backend did.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { USER_OPENAI_KEY } from '../../harness/stack.mjs';
import {
  harnessUrl, redacting, RESULTS_DIR, secret, startPageStack, subjectOf,
} from '../support/browser.mjs';

const SHOTS = join(RESULTS_DIR, 'browser');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PLACEHOLDER = 'YOUR_GATEWAY_KEY';
// Waits are for UI state (locators), never fixed sleeps; this bounds each wait on a slow machine.
const UI_TIMEOUT = 30_000;

describe('Gateway keys and Connect a tool in Chromium against the sidecar', { timeout: 600_000 }, () => {
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

  async function openPage(t, token, viewport = { width: 1280, height: 1000 }) {
    const context = await browser.newContext({ viewport });
    // The page copies with navigator.clipboard; the test reads the clipboard back the same way.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.origin });
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(harnessUrl(harness.origin, stack.sidecarUrl, secret(token)));
    await page.getByTestId('api-keys-page').waitFor();
    return page;
  }

  async function byokAttributes(userId) {
    const user = await stack.getUser(userId);
    return Object.fromEntries(Object.entries(user.attributes ?? {}).filter(([name]) => name.startsWith('byok_')));
  }

  async function addKeyThroughApi(token, provider, key) {
    const response = await fetch(`${stack.sidecarUrl}/api/v1/byok/keys/add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider, key }),
    });
    assert.equal(response.status, 200, 'adding a key through the API (test setup)');
  }

  /** Clicks a copy button and returns what landed on the clipboard. */
  async function copyWith(page, button) {
    await button.click();
    await page.locator(`[data-testid="${await button.getAttribute('data-testid')}"][data-copy-state="copied"]`).waitFor();
    return page.evaluate(() => navigator.clipboard.readText());
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
    await page.screenshot({ path, fullPage: true });
    const png = await readFile(path);
    assert.ok(png.length > PNG_SIGNATURE.length && png.subarray(0, 8).equals(PNG_SIGNATURE), `${path} is a PNG`);
  }

  // Through the page's default base URL, <gateway>/v1, the model names its provider (DESIGN.md section 11).
  const chat = (client) => client.chat.completions.create({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello from the laptop' }],
  });

  test('bob creates a gateway key, copies it, chats with it through the OpenAI SDK, revokes it, and the next call fails', redacting(async (t) => {
    const token = secret(await stack.token('bob'));
    const bobId = subjectOf(token);
    // bob's own OpenAI key, which the gateway must use for calls made with his gateway key.
    await addKeyThroughApi(token, 'openai', USER_OPENAI_KEY);

    const page = await openPage(t, token);
    await page.getByTestId('no-gateway-keys').waitFor();
    // Connect a tool lists OpenAI (bob stored a key) with the gateway's real base URL.
    const ownBaseUrls = page.getByTestId('connect-base-urls');
    await ownBaseUrls.waitFor();
    assert.equal(await ownBaseUrls.locator('tr[data-provider="openai"] [data-testid="base-url"]').innerText(), `${stack.sidecarUrl}/openai/v1`);
    // Above them, the one base URL for all of bob's providers.
    assert.equal(await page.getByTestId('unified-base-url').innerText(), `${stack.sidecarUrl}/v1`);
    assert.ok((await page.getByTestId('snippet-openai-python').innerText()).includes(`api_key="${PLACEHOLDER}"`), 'a placeholder before any key exists');

    // Create: name and expiry.
    await page.locator('#byok-gateway-key-name').fill('laptop');
    await page.locator('#byok-gateway-key-expiry').selectOption('30');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-gateway-key');
    await shown.waitFor();
    assert.match(await shown.innerText(), /Copy your new gateway key "laptop" now: you will not see it again/);
    const displayed = secret(await page.getByTestId('new-gateway-key-value').inputValue());
    assert.match(displayed, /^bgk_/, 'the page shows a gateway key');

    // Copy: the clipboard holds exactly the key on screen.
    const copied = secret(await copyWith(page, page.getByTestId('copy-gateway-key')));
    assert.equal(copied === displayed, true, 'the copy button put the shown key on the clipboard');

    // The snippets carry the new key; the environment snippet, copied, gives the SDK its settings.
    assert.ok((await page.getByTestId('snippet-openai-python').innerText()).includes(`api_key="${copied}"`), 'the Python snippet holds the new key');
    await page.getByRole('tab', { name: 'Env vars', exact: true }).click();
    const envSnippet = await copyWith(page, page.getByTestId('copy-snippet-env'));
    const env = Object.fromEntries([...envSnippet.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name, value]));
    assert.equal(env.OPENAI_BASE_URL, `${stack.sidecarUrl}/v1`);
    assert.equal(env.OPENAI_API_KEY === copied, true, 'OPENAI_API_KEY in the snippet is the new key');
    assert.equal(env.ANTHROPIC_BASE_URL, `${stack.sidecarUrl}/anthropic`);

    // Listed by name and preview only; Keycloak keeps no copy of the key itself.
    const row = page.getByTestId('gateway-keys-table').locator('tbody tr', { hasText: 'laptop' });
    await row.waitFor();
    const rowText = await row.innerText();
    assert.ok(rowText.includes(`bgk_****${copied.slice(-4)}`), 'the row shows the preview');
    assert.ok(rowText.includes('Never'), 'not used yet');
    assert.equal(rowText.includes(copied), false, 'the row does not show the key');
    const stored = await byokAttributes(bobId);
    const gatewayKeyAttributes = Object.keys(stored).filter((name) => name.startsWith('byok_gk_'));
    assert.equal(gatewayKeyAttributes.length, 1, 'one gateway key stored for bob');
    assert.equal(JSON.stringify(stored).includes(copied), false, 'Keycloak does not hold the key in clear');
    assert.equal(JSON.stringify(stored).includes(copied.slice(4, -4)), false, 'nor its secret part');

    // Use: the official OpenAI SDK with what the page gave, as a user would paste it.
    const client = new OpenAI({ baseURL: env.OPENAI_BASE_URL, apiKey: copied, maxRetries: 0 });
    const before = (await stack.providerRequests()).length;
    const { data, response } = await chat(client).withResponse();
    assert.equal(data.choices[0].message.content, 'fake: hello from the laptop');
    assert.equal(response.headers.get('x-byok-key-source'), 'byok', "bob's own key served the call");
    assert.equal(response.headers.get('x-byok-provider'), 'openai', 'the openai/ prefix chose OpenAI');
    const forwarded = (await stack.providerRequests()).slice(before);
    assert.equal(forwarded.length, 1, 'one provider request');
    assert.equal(forwarded[0].path, '/v1/chat/completions');
    assert.equal(JSON.parse(forwarded[0].body).model, 'gpt-4o-mini', "the provider got its own model name");
    assert.equal(forwarded[0].key === USER_OPENAI_KEY, true, "the provider received bob's stored OpenAI key");
    assert.equal(JSON.stringify(forwarded[0]).includes(copied), false, 'the gateway key never reaches the provider');

    // The artifacts, without a secret in them: the one-time message is closed first (the page then
    // forgets the key), so the snippets show the placeholder and the list shows the new key.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.equal((await page.content()).includes(copied), false, 'closing the message removes the key from the page');
    await page.getByRole('tab', { name: 'Python', exact: true }).click();
    await mkdir(SHOTS, { recursive: true });
    await screenshot(page, 'gateway-keys.png', 1440);
    await screenshot(page, 'gateway-keys-narrow.png', 400);
    await page.setViewportSize({ width: 1280, height: 1000 });

    // Reload: the key is not shown anywhere, only the preview, and the snippets are back to the placeholder.
    await page.reload();
    await page.getByTestId('gateway-keys-table').locator('tbody tr', { hasText: 'laptop' }).waitFor();
    assert.equal(await page.getByTestId('new-gateway-key').count(), 0, 'no one-time message after a reload');
    assert.equal((await page.content()).includes(copied), false, 'the key appears nowhere in the reloaded page');
    assert.ok((await page.getByTestId('snippet-openai-python').innerText()).includes(`api_key="${PLACEHOLDER}"`));

    // Revoke, after confirming.
    const listed = page.getByTestId('gateway-keys-table').locator('tbody tr', { hasText: 'laptop' });
    await listed.getByRole('button', { name: 'Revoke the gateway key laptop' }).click();
    const modal = page.getByRole('dialog', { name: 'Revoke the gateway key "laptop"?' });
    await modal.waitFor();
    assert.match(await page.getByTestId('revoke-gateway-key-modal').innerText(), /Every tool that uses this key is refused from its next call on\./);
    await page.getByTestId('confirm-revoke').click();
    await page.getByTestId('no-gateway-keys').waitFor();
    await modal.waitFor({ state: 'detached' });
    assert.match(await page.getByTestId('gateway-key-notice').innerText(), /The gateway key "laptop" was revoked\./);
    assert.deepEqual(Object.keys(await byokAttributes(bobId)).filter((name) => name.startsWith('byok_gk_')), [], 'the stored gateway key is gone');

    // The next call with the revoked key is refused, and nothing reaches the provider.
    const beforeRefused = (await stack.providerRequests()).length;
    await assert.rejects(chat(client), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${error?.constructor?.name}`);
      assert.equal(error.status, 401);
      return true;
    });
    assert.equal((await stack.providerRequests()).length, beforeRefused, 'the refused call did not reach the provider');
    // bob's stored OpenAI key is untouched by all this.
    assert.ok((await byokAttributes(bobId)).byok_openai_key, "bob's provider key is still stored");
  }));

  test('a copy of the Python snippet holds the base URL and the key exactly as the page shows them', redacting(async (t) => {
    const user = await stack.createUser('starter', 'browser');
    secret(user.password);
    const token = secret(await stack.token(user.username, user.password));
    const page = await openPage(t, token);

    await page.locator('#byok-gateway-key-name').fill('python');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-gateway-key').waitFor();
    const key = secret(await page.getByTestId('new-gateway-key-value').inputValue());

    const python = await copyWith(page, page.getByTestId('copy-snippet-openai-python'));
    const onScreen = await page.getByTestId('snippet-openai-python').locator('pre').innerText();
    assert.equal(python.trimEnd() === onScreen.trimEnd(), true, 'copied as shown');
    assert.ok(python.includes(`base_url="${stack.sidecarUrl}/v1"`), 'the Python snippet has the gateway base URL');
    assert.equal(python.includes(`api_key="${key}"`), true, 'the Python snippet has the new key');
  }));
});
