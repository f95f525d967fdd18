// Runs the README's "Use it from your tools" recipes (tests/sdk/examples/) exactly as written:
// creating a gateway key with curl and using it, listing and revoking keys, and the Node SDKs
// configured by nothing but the README's environment variables.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  addKey,
  byokUser,
  createGatewayKey,
  keyName,
  startStack,
  USER_ANTHROPIC_KEY,
  USER_OPENAI_KEY,
  withProviderRequests,
} from './support.mjs';
import { repoRoot } from '../../harness/stack.mjs';

const run = promisify(execFile);
const suiteDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = (name) => join(suiteDir, 'examples', name);
const REPLY = 'fake: Say hello';

// Nothing from the test runner's environment (no OPENAI_API_KEY, ANTHROPIC_BASE_URL, ...) leaks in.
const readerEnv = (vars) => ({ PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...vars });
const hasTools = (...tools) => tools.every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
const needsCurlAndJq = { skip: hasTools('curl', 'jq') ? false : 'curl or jq is not installed' };

/** The README's `<!-- tools: environment -->` block: `export NAME=value` lines, as the reader copies them. */
function readmeEnvironment() {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = readme.match(/<!-- tools: environment -->\n```sh\n([\s\S]*?)\n```/);
  assert.ok(block, 'README.md has no environment block');
  return Object.fromEntries(block[1].split('\n')
    .map((line) => line.match(/^export ([A-Z_]+)=(\S+)/))
    .filter(Boolean)
    .map(([, name, value]) => [name, value]));
}

/** Asks the gateway whether a credential still works (a models call, which reaches the provider only when it does). */
async function modelsStatus(stack, credential) {
  const response = await fetch(`${stack.sidecarUrl}/openai/v1/models`, { headers: { authorization: `Bearer ${credential}` } });
  return response.status;
}

describe('README tool recipes', () => {
  let stack;
  let user;

  before(async () => {
    stack = await startStack();
    user = await byokUser(stack, 'openai', USER_OPENAI_KEY);
    await addKey(stack, user, 'anthropic', USER_ANTHROPIC_KEY);
  });
  after(() => stack?.stop());

  test('sh examples/gateway-key.sh creates a gateway key with the token and chats with it', needsCurlAndJq, async () => {
    const { result: { stdout }, requests } = await withProviderRequests(stack, () =>
      run('sh', [example('gateway-key.sh')], {
        cwd: suiteDir,
        env: readerEnv({ GATEWAY_URL: stack.sidecarUrl, BYOK_TOKEN: user.token }),
      }));

    assert.equal(JSON.parse(stdout).choices[0].message.content, REPLY);
    assert.deepEqual(requests.map((r) => [r.path, keyName(r.key)]), [['/v1/chat/completions', 'USER_OPENAI_KEY']]);
    // The script chats with the new key (with an empty one curl would fail on the 401): it is listed.
    const keys = await (await fetch(`${stack.sidecarUrl}/api/v1/byok/tokens`, { headers: { authorization: `Bearer ${user.token}` } })).json();
    const laptop = keys.filter((k) => k.name === 'laptop');
    assert.equal(laptop.length, 1);
    assert.match(laptop[0].token_preview, /^bgk_/);
  });

  test('sh examples/gateway-keys-manage.sh lists the keys and revokes one, which then stops working', needsCurlAndJq, async () => {
    const key = await createGatewayKey(stack, user, 'to revoke');
    assert.equal(await modelsStatus(stack, key.token), 200);

    const { stdout } = await run('sh', [example('gateway-keys-manage.sh')], {
      cwd: suiteDir,
      env: readerEnv({ GATEWAY_URL: stack.sidecarUrl, BYOK_TOKEN: user.token, KEY_ID: key.id }),
    });

    const [list, revoked] = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const listed = list.find((k) => k.id === key.id);
    assert.equal(listed.name, 'to revoke');
    assert.ok(!stdout.includes(key.token), 'the list showed a whole key');
    assert.deepEqual(revoked, { message: 'Gateway key revoked', id: key.id });
    assert.equal(await modelsStatus(stack, key.token), 401);
  });

  test("node examples/env-clients.mjs works with nothing but the README's environment and a gateway key", async () => {
    const { token } = await createGatewayKey(stack, user, 'environment');
    const env = Object.fromEntries(Object.entries(readmeEnvironment()).map(([name, value]) =>
      [name, value.replace('http://localhost:8080', stack.sidecarUrl).replace('bgk_...', token)]));
    assert.deepEqual(Object.keys(env), ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY']);
    assert.equal(env.OPENAI_API_KEY, token, "the README's OPENAI_API_KEY is not the gateway key placeholder");

    const { result: { stdout }, requests } = await withProviderRequests(stack, () =>
      run(process.execPath, [example('env-clients.mjs')], { cwd: suiteDir, env: readerEnv(env) }));

    assert.equal(stdout, `${REPLY}\n${REPLY}\n`);
    assert.deepEqual(requests.map((r) => [r.path, keyName(r.key)]), [
      ['/v1/chat/completions', 'USER_OPENAI_KEY'],
      ['/v1/messages', 'USER_ANTHROPIC_KEY'],
    ]);
    assert.ok(!JSON.stringify(requests).includes(token), 'the gateway key reached the provider');
  });
});
