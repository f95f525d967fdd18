// The API keys page of the Account Console theme, as a user sees it in Chromium: the harness page
// (keycloak-theme/dist-harness) with a user's access token from the Keycloak emulator, calling the
// real sidecar, which stores keys in the emulator and tests them against the fake provider.
// Every step checks the page AND what the backend did (stored attributes, provider requests).
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { USER_OPENAI_KEY } from '../../harness/stack.mjs';
import {
  fernetDecrypt, harnessUrl, redacting, RESULTS_DIR, secret, startPageStack, subjectOf, switchableRelay,
} from '../support/browser.mjs';

const SCREENSHOT = join(RESULTS_DIR, 'browser', 'api-keys-one-key.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MASKED_USER_OPENAI_KEY = 'sk-u****0001';
const UNREACHABLE = "The API keys service can't be reached right now.";
const WHITESPACE_MESSAGE = 'The key must not contain spaces, line breaks or other control characters';

// Waits are for UI state (locators), never fixed sleeps; this bounds each wait on a slow machine.
const UI_TIMEOUT = 30_000;

describe('API keys page in Chromium against the sidecar', { timeout: 600_000 }, () => {
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

  /** A fresh browser context showing the page for `token`; closed when the test ends. */
  async function openPage(t, token, apiUrl = stack.sidecarUrl) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(harnessUrl(harness.origin, apiUrl, secret(token)));
    await page.getByTestId('api-keys-page').waitFor();
    return page;
  }

  /** A new starter user (so a test does not depend on what another left behind) and its token. */
  async function newStarterUser() {
    const user = await stack.createUser('starter', 'browser');
    secret(user.password);
    return { ...user, token: secret(await stack.token(user.username, user.password)) };
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

  const keyRow = (page, provider) => page.getByTestId('keys-table').locator(`tr[data-provider="${provider}"]`);

  test('bob adds an OpenAI key, sees it masked, tests it (valid) and deletes it', redacting(async (t) => {
    const token = await stack.token('bob');
    const bobId = subjectOf(token);
    assert.deepEqual(await byokAttributes(bobId), {}, 'bob starts without stored keys');

    const page = await openPage(t, token);
    await page.getByTestId('tier-summary').waitFor();
    assert.match(await page.getByTestId('tier-summary').innerText(), /Your plan: starter\./);
    await page.getByTestId('no-keys').waitFor();

    // Add: provider, key in the password field, label.
    await page.locator('#byok-provider').selectOption('openai');
    await page.locator('#byok-key').fill(USER_OPENAI_KEY);
    await page.locator('#byok-label').fill('browser test');
    await page.getByTestId('add-key-form').getByRole('button', { name: 'Save key' }).click();
    await page.getByTestId('add-key-success').waitFor();
    assert.match(await page.getByTestId('add-key-success').innerText(), /Your OpenAI key was saved\./);
    assert.equal(await page.locator('#byok-key').inputValue(), '', 'the key field is cleared after saving');

    // Listed masked, never in full.
    const row = keyRow(page, 'openai');
    await row.waitFor();
    const rowText = await row.innerText();
    assert.ok(rowText.includes(MASKED_USER_OPENAI_KEY), 'the row shows the masked preview');
    assert.ok(rowText.includes('browser test'), 'the row shows the label');
    assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'untested');
    assert.equal((await page.content()).includes(USER_OPENAI_KEY), false, 'the full key appears nowhere in the page');

    // Stored encrypted in Keycloak: the ciphertext decrypts to exactly what was pasted.
    const stored = await byokAttributes(bobId);
    assert.equal(stored.byok_openai_key?.length, 1);
    assert.equal(stored.byok_openai_key[0].includes(USER_OPENAI_KEY), false, 'the key is not stored in clear');
    assert.equal(fernetDecrypt(stored.byok_openai_key[0], stack.encryptionKey) === USER_OPENAI_KEY, true, 'the stored ciphertext decrypts to the key');
    assert.deepEqual(stored.byok_openai_label, ['browser test']);

    // Test: the sidecar calls the fake provider with bob's key, which it accepts.
    const providerCallsBefore = (await stack.providerRequests()).length;
    await row.getByRole('button', { name: 'Test the OpenAI key' }).click();
    await row.getByTestId('test-result').waitFor();
    await row.locator('[data-status="valid"]').waitFor();
    assert.equal(await row.getByTestId('key-status').locator('[data-status]').innerText(), 'Valid');
    const testCalls = (await stack.providerRequests()).slice(providerCallsBefore).filter((r) => r.key === USER_OPENAI_KEY);
    assert.ok(testCalls.length >= 1, 'the fake provider was called with the user key');
    assert.ok(testCalls.every((r) => r.status === 200), 'the fake provider accepted the user key');
    assert.deepEqual((await byokAttributes(bobId)).byok_openai_test_status, ['valid']);
    // The list reloads after a test, so the stored status shows once the table has caught up.
    await page.getByTestId('tier-summary').filter({ hasText: '1 tested, 1 valid' }).waitFor();

    // The providers table's actions stay on one line: "Replace key" is as tall as "Add key".
    const providerAction = (provider) => page.getByTestId('providers-table').locator(`tr[data-provider="${provider}"]`).getByRole('button');
    assert.equal(await providerAction('openai').innerText(), 'Replace key');
    assert.equal(await providerAction('anthropic').innerText(), 'Add key');
    const replaceBox = await providerAction('openai').boundingBox();
    const addBox = await providerAction('anthropic').boundingBox();
    assert.equal(Math.round(replaceBox.height), Math.round(addBox.height), '"Replace key" is not wrapped onto two lines');

    // The artifact: the page with exactly one key listed.
    assert.equal(await page.getByTestId('keys-table').locator('tbody tr').count(), 1);
    await mkdir(join(RESULTS_DIR, 'browser'), { recursive: true });
    await rm(SCREENSHOT, { force: true });
    // PatternFly's page scrolls inside its main section, so a full-page shot would stop at the
    // viewport: make the viewport as tall as the content instead.
    const contentHeight = await page.evaluate(() => {
      const main = document.querySelector('main');
      return Math.ceil((main?.getBoundingClientRect().top ?? 0) + (main?.scrollHeight ?? document.body.scrollHeight));
    });
    await page.setViewportSize({ width: 1280, height: Math.max(contentHeight, 600) });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    assert.ok(png.length > PNG_SIGNATURE.length && png.subarray(0, 8).equals(PNG_SIGNATURE), `${SCREENSHOT} is a PNG`);

    // Delete, after confirming in the modal.
    await row.getByRole('button', { name: 'Delete the OpenAI key' }).click();
    const modal = page.getByRole('dialog', { name: 'Delete the OpenAI key?' });
    await modal.waitFor();
    assert.match(await page.getByTestId('delete-key-modal').innerText(), /The gateway stops using your OpenAI key/);
    await page.getByTestId('confirm-delete').click();
    await row.waitFor({ state: 'detached' });
    await modal.waitFor({ state: 'detached' });
    await page.getByTestId('no-keys').waitFor();
    assert.match(await page.getByTestId('page-notice').innerText(), /Your OpenAI key was deleted\./);
    assert.deepEqual(await byokAttributes(bobId), {}, 'every byok_openai_* attribute is gone');
  }));

  test('alice (free plan) sees the tier message and no way to add a key', redacting(async (t) => {
    const page = await openPage(t, await stack.token('alice'));
    const notice = page.getByTestId('tier-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /Your own API keys are not part of your plan/);
    assert.match(text, /Your plan \(free\) does not include your own API keys; starter or higher is required\./);
    await page.getByTestId('no-keys').waitFor();
    // The providers table is the last thing to load; once it shows, the form would have too.
    await page.getByTestId('providers-table').waitFor();
    assert.equal(await page.getByTestId('add-key-form').count(), 0, 'no add form for a free user');
    assert.equal(await page.getByTestId('tier-summary').count(), 0);
  }));

  for (const [name, suffix] of [['space', ' '], ['tab', '\t']]) {
    test(`a pasted key with a trailing ${name} is sent as is and the API's message shows under the field`, redacting(async (t) => {
      const user = await newStarterUser();
      const page = await openPage(t, user.token);
      const sent = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/api/v1/byok/keys/add')) sent.push(request.postDataJSON());
      });

      await page.locator('#byok-provider').selectOption('openai');
      await page.locator('#byok-key').fill(USER_OPENAI_KEY + suffix);
      await page.getByTestId('add-key-form').getByRole('button', { name: 'Save key' }).click();

      const fieldError = page.getByTestId('key-error');
      await fieldError.waitFor();
      assert.match(await fieldError.innerText(), new RegExp(WHITESPACE_MESSAGE));
      assert.equal(await page.locator('#byok-key').getAttribute('aria-invalid'), 'true', 'the key field is marked invalid');
      assert.equal(await page.locator('#byok-key').inputValue(), '', 'the rejected key is not kept in the field');
      await page.getByTestId('add-key-error').waitFor();
      assert.equal(await page.getByTestId('add-key-success').count(), 0);

      assert.equal(sent.length, 1, 'one add request');
      assert.equal(sent[0].key === USER_OPENAI_KEY + suffix, true, 'the page sent the key untrimmed');
      assert.deepEqual(await byokAttributes(user.id), {}, 'nothing was stored');
      assert.equal(await page.getByTestId('keys-table').count(), 0);
    }));
  }

  test('an unreachable sidecar shows a retryable message, and Retry loads the page once it answers', redacting(async (t) => {
    const user = await newStarterUser();
    const relay = await switchableRelay(stack.sidecarUrl);
    t.after(() => relay.close());

    const page = await openPage(t, user.token, relay.url);
    const loadError = page.getByTestId('load-error');
    await loadError.waitFor();
    assert.match(await loadError.innerText(), /Could not load your API keys/);
    assert.ok((await loadError.innerText()).includes(UNREACHABLE), 'says the service cannot be reached');
    assert.equal(await loadError.getAttribute('data-error-kind'), 'unavailable');
    assert.equal(await page.getByTestId('add-key-form').count(), 0);

    await relay.open();
    await loadError.getByRole('button', { name: 'Retry' }).click();
    await loadError.waitFor({ state: 'detached' });
    await page.getByTestId('tier-summary').waitFor();
    await page.getByTestId('add-key-form').waitFor();
    await page.getByTestId('no-keys').waitFor();
  }));

  test('double-clicking Delete and then Delete in the modal sends one DELETE request', redacting(async (t) => {
    const user = await newStarterUser();
    await addKeyThroughApi(user.token, 'openai', USER_OPENAI_KEY);
    const page = await openPage(t, user.token);
    const deletes = [];
    page.on('request', (request) => {
      if (request.method() === 'DELETE') deletes.push(new URL(request.url()).pathname);
    });

    const row = keyRow(page, 'openai');
    await row.waitFor();
    await row.getByRole('button', { name: 'Delete the OpenAI key' }).dblclick();
    await page.getByRole('dialog', { name: 'Delete the OpenAI key?' }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 1, 'one confirmation modal');
    assert.deepEqual(deletes, [], 'the row button only asks');

    await page.getByTestId('confirm-delete').dblclick();
    // The row goes once the DELETE has answered and the list has been read again; a second
    // DELETE from the double click would have been sent before that.
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('no-keys').waitFor();
    assert.deepEqual(deletes, ['/api/v1/byok/keys/openai']);
    assert.deepEqual(await byokAttributes(user.id), {});
  }));

  test('two clicks on the modal Delete within one task (before React re-renders) send one DELETE request', redacting(async (t) => {
    const user = await newStarterUser();
    await addKeyThroughApi(user.token, 'openai', USER_OPENAI_KEY);
    const page = await openPage(t, user.token);
    const deletes = [];
    page.on('request', (request) => {
      if (request.method() === 'DELETE') deletes.push(new URL(request.url()).pathname);
    });

    const row = keyRow(page, 'openai');
    await row.waitFor();
    await row.getByRole('button', { name: 'Delete the OpenAI key' }).click();
    // Both clicks run before the button can become disabled, so only the in-flight guard stops the second.
    const enabledForBoth = await page.getByTestId('confirm-delete').evaluate((button) => {
      button.click();
      const stillEnabled = !button.disabled;
      button.click();
      return stillEnabled;
    });
    assert.equal(enabledForBoth, true, 'the second click reached an enabled button');
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('no-keys').waitFor();
    assert.deepEqual(deletes, ['/api/v1/byok/keys/openai']);
    assert.deepEqual(await byokAttributes(user.id), {});
  }));
});
