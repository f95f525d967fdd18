// Runs the README's "Use it from your LLM client" snippets (tests/sdk/examples/) exactly as
// written, with only the environment variables the README tells the reader to set.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  addKey,
  byokUser,
  keyName,
  startStack,
  USER_ANTHROPIC_KEY,
  USER_OPENAI_KEY,
  withProviderRequests,
} from './support.mjs';

const run = promisify(execFile);
const suiteDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = (name) => join(suiteDir, 'examples', name);
const REPLY = 'fake: Say hello';

// Nothing from the test runner's environment (no OPENAI_API_KEY, ANTHROPIC_BASE_URL, ...) leaks in.
const readerEnv = (vars) => ({ PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...vars });

const hasTools = (...tools) => tools.every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

describe('README client examples', () => {
  let stack;
  let user;

  before(async () => {
    stack = await startStack();
    user = await byokUser(stack, 'openai', USER_OPENAI_KEY);
    await addKey(stack, user, 'anthropic', USER_ANTHROPIC_KEY);
  });
  after(() => stack?.stop());

  for (const [file, path, expectedKey] of [
    ['openai.mjs', '/v1/chat/completions', USER_OPENAI_KEY],
    ['anthropic.mjs', '/v1/messages', USER_ANTHROPIC_KEY],
  ]) {
    test(`node examples/${file} prints the reply, served with the user's own key`, async () => {
      const { result: { stdout }, requests } = await withProviderRequests(stack, () =>
        run(process.execPath, [example(file)], {
          cwd: suiteDir,
          env: readerEnv({ GATEWAY_URL: stack.sidecarUrl, BYOK_TOKEN: user.token }),
        }));

      assert.equal(stdout, `${REPLY}\n`);
      assert.equal(requests.length, 1);
      assert.equal(requests[0].path, path);
      assert.equal(keyName(requests[0].key), keyName(expectedKey));
    });
  }

  test('sh examples/curl.sh gets a token and chats with both providers', {
    skip: hasTools('curl', 'jq') ? false : 'curl or jq is not installed',
  }, async () => {
    const { result: { stdout }, requests } = await withProviderRequests(stack, () =>
      run('sh', [example('curl.sh')], {
        cwd: suiteDir,
        env: readerEnv({
          KEYCLOAK_URL: stack.keycloakUrl, GATEWAY_URL: stack.sidecarUrl,
          BYOK_USER: user.username, BYOK_PASSWORD: user.password,
        }),
      }));

    const [openai, anthropic] = stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(openai.choices[0].message.content, REPLY);
    assert.deepEqual(anthropic.content, [{ type: 'text', text: REPLY }]);
    assert.deepEqual(requests.map((r) => [r.path, keyName(r.key)]), [
      ['/v1/chat/completions', 'USER_OPENAI_KEY'],
      ['/v1/messages', 'USER_ANTHROPIC_KEY'],
    ]);
  });
});
