// A starter user with no stored key on a gateway whose operator configured no system keys: the
// sidecar answers 403 problem details naming the provider and how to add a key, and forwards
// nothing. This is what each official SDK makes of that answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic, { PermissionDeniedError as AnthropicPermissionDenied } from '@anthropic-ai/sdk';
import OpenAI, { PermissionDeniedError as OpenAIPermissionDenied } from 'openai';
import { keyName, PROMPT, REPLY, starterUser, startStack, withProviderRequests } from './support.mjs';

// The two parts of the detail a user needs: where to add a key in the UI, and the API call.
const HOW_TO_ADD = [/'API keys' page of your Keycloak account/, /POST \/api\/v1\/byok\/keys\/add/];

const rejection = (promise) => promise.then(() => assert.fail('the call succeeded'), (e) => e);

describe('no key for the provider', () => {
  let stack;
  let user;

  before(async () => {
    stack = await startStack({ sidecarEnv: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' } });
    user = await starterUser(stack);
  });
  after(() => stack?.stop());

  describe('OpenAI SDK', () => {
    const client = () => new OpenAI({ apiKey: user.token, baseURL: `${stack.sidecarUrl}/openai/v1`, maxRetries: 0 });
    const request = { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: PROMPT }] };

    for (const [name, call] of [
      ['chat.completions.create', () => client().chat.completions.create(request)],
      ['chat.completions.create with stream: true', () => client().chat.completions.create({ ...request, stream: true })],
      ['chat.completions.stream', () => client().chat.completions.stream(request).finalChatCompletion()],
    ]) {
      test(`${name} fails with PermissionDeniedError 403 and reaches no provider`, async () => {
        const { result: error, requests } = await withProviderRequests(stack, () => rejection(call()));

        assert.ok(error instanceof OpenAIPermissionDenied, `expected PermissionDeniedError, got ${error?.constructor?.name}`);
        assert.equal(error.status, 403);
        assert.equal(error.headers.get('content-type'), 'application/problem+json');
        assert.equal(error.headers.get('x-byok-key-source'), null);
        assert.equal(requests.length, 0, 'a request reached the provider');
      });
    }

    // The OpenAI SDK reads only an `error` member of an error body (`{"error":{"message":...}}`);
    // the sidecar's problem details on provider routes carry one so the advice reaches the user.
    test('the PermissionDeniedError carries the detail naming OpenAI and how to add a key', async () => {
      const error = await rejection(client().chat.completions.create(request));
      assert.ok(error instanceof OpenAIPermissionDenied);
      assert.match(error.message, /^403 No OpenAI key is available for you/);
      for (const pattern of HOW_TO_ADD) assert.match(error.message, pattern);
    });
  });

  describe('Anthropic SDK', () => {
    const client = () => new Anthropic({ apiKey: user.token, baseURL: `${stack.sidecarUrl}/anthropic`, maxRetries: 0 });
    const request = { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: PROMPT }] };

    for (const [name, call] of [
      ['messages.create', () => client().messages.create(request)],
      ['messages.create with stream: true', () => client().messages.create({ ...request, stream: true })],
      ['messages.stream', () => client().messages.stream(request).finalMessage()],
    ]) {
      test(`${name} fails with PermissionDeniedError 403 whose detail says how to add a key`, async () => {
        const { result: error, requests } = await withProviderRequests(stack, () => rejection(call()));

        assert.ok(error instanceof AnthropicPermissionDenied, `expected PermissionDeniedError, got ${error?.constructor?.name}`);
        assert.equal(error.status, 403);
        // The SDK keeps the whole body as `error` and puts it into the message.
        assert.equal(error.error.status, 403);
        assert.equal(error.error.provider, 'anthropic');
        assert.match(error.error.detail, /^No Anthropic key is available for you\./);
        for (const pattern of HOW_TO_ADD) assert.match(error.error.detail, pattern);
        assert.ok(error.message.startsWith('403 '), error.message);
        assert.ok(error.message.includes(JSON.stringify(error.error.detail)), 'the detail is not in the message');
        assert.equal(error.headers.get('x-byok-key-source'), null);
        assert.equal(requests.length, 0, 'a request reached the provider');
      });
    }
  });
});

// The operator has system keys but offers them to the enterprise tier only: a starter user
// without a stored key is refused the same way, an enterprise user is served.
describe('system keys limited to another tier', () => {
  let stack;
  let starter;
  let enterprise;

  before(async () => {
    stack = await startStack({ sidecarEnv: { Proxy__SystemKeyTiers__0: 'enterprise' } });
    starter = await starterUser(stack);
    const user = await stack.createUser('enterprise', 'sdk');
    enterprise = { ...user, token: await stack.token(user.username, user.password) };
  });
  after(() => stack?.stop());

  const openai = (token) => new OpenAI({ apiKey: token, baseURL: `${stack.sidecarUrl}/openai/v1`, maxRetries: 0 });
  const anthropic = (token) => new Anthropic({ apiKey: token, baseURL: `${stack.sidecarUrl}/anthropic`, maxRetries: 0 });
  const chat = { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: PROMPT }] };
  const message = { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: PROMPT }] };

  test('OpenAI SDK: the starter user gets PermissionDeniedError 403, nothing forwarded', async () => {
    const { result: error, requests } = await withProviderRequests(stack, () =>
      rejection(openai(starter.token).chat.completions.create(chat)));
    assert.ok(error instanceof OpenAIPermissionDenied, `expected PermissionDeniedError, got ${error?.constructor?.name}`);
    assert.equal(error.status, 403);
    assert.equal(requests.length, 0, 'a request reached the provider');
  });

  test('Anthropic SDK: the starter user gets PermissionDeniedError 403 saying how to add a key', async () => {
    const { result: error, requests } = await withProviderRequests(stack, () =>
      rejection(anthropic(starter.token).messages.create(message)));
    assert.ok(error instanceof AnthropicPermissionDenied, `expected PermissionDeniedError, got ${error?.constructor?.name}`);
    assert.equal(error.status, 403);
    assert.match(error.error.detail, /^No Anthropic key is available for you\./);
    for (const pattern of HOW_TO_ADD) assert.match(error.error.detail, pattern);
    assert.equal(requests.length, 0, 'a request reached the provider');
  });

  test('both SDKs: the enterprise user is served with the system key', async () => {
    const { result, requests } = await withProviderRequests(stack, async () => {
      const completion = await openai(enterprise.token).chat.completions.create(chat).withResponse();
      const reply = await anthropic(enterprise.token).messages.create(message).withResponse();
      return { completion, reply };
    });
    assert.equal(result.completion.data.choices[0].message.content, REPLY);
    assert.equal(result.completion.response.headers.get('x-byok-key-source'), 'system');
    assert.equal(result.reply.data.content[0].text, REPLY);
    assert.equal(result.reply.response.headers.get('x-byok-key-source'), 'system');
    assert.deepEqual(requests.map((r) => keyName(r.key)), ['SYSTEM_OPENAI_KEY', 'SYSTEM_ANTHROPIC_KEY']);
  });
});
