// The official `@anthropic-ai/sdk` npm SDK, unchanged, against the sidecar: base URL
// `<sidecar>/anthropic`, the user's Keycloak access token or a gateway key as API key (sent as `x-api-key`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic, { AuthenticationError, RateLimitError } from '@anthropic-ai/sdk';
import {
  askProviderDirectly,
  assertForwarded,
  byokUser,
  CLIENT_COOKIE,
  COMPLETION_TOKENS,
  PROMPT,
  PROMPT_TOKENS,
  REPLY,
  starterUser,
  startStack,
  withGatewayKey,
  USER_ANTHROPIC_KEY,
  withProviderRequests,
} from './support.mjs';
import { SYSTEM_ANTHROPIC_KEY } from '../../harness/stack.mjs';
import { INVALID_TOKENS } from './tokens.mjs';

const MODEL = 'claude-haiku-4-5';
const MESSAGES_PATH = '/v1/messages';
const messageRequest = (model = MODEL) => ({ model, max_tokens: 256, messages: [{ role: 'user', content: PROMPT }] });
// The whole usage block as Anthropic sends it (the fake provider answers with its cache counts too).
const USAGE = { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: COMPLETION_TOKENS };

describe('Anthropic SDK through the sidecar', () => {
  let stack;
  const users = {};
  // The anthropic-version header of the SDK's latest request, read through the SDK's fetch option.
  let sdkVersionHeader = null;
  const observingFetch = (url, init) => {
    sdkVersionHeader = new Headers(init?.headers).get('anthropic-version');
    return fetch(url, init);
  };

  before(async () => {
    stack = await startStack();
    users.byok = await byokUser(stack, 'anthropic', USER_ANTHROPIC_KEY);
    users.system = await starterUser(stack);
    users.gatewayKey = await withGatewayKey(stack, users.byok);
  });
  after(() => stack?.stop());

  const client = (apiKey, options = {}) => new Anthropic({
    apiKey,
    baseURL: `${stack.sidecarUrl}/anthropic`,
    // A browser-ish cookie the sidecar must not forward to the provider.
    defaultHeaders: { cookie: CLIENT_COOKIE },
    fetch: observingFetch,
    ...options,
  });

  const cases = [
    { kind: 'byok', who: 'a starter user with a stored Anthropic key', expectedKey: USER_ANTHROPIC_KEY },
    { kind: 'system', who: 'a starter user without a key (system fallback)', expectedKey: SYSTEM_ANTHROPIC_KEY },
    { kind: 'gatewayKey', source: 'byok', who: 'the same user calling with a gateway key instead of the token', expectedKey: USER_ANTHROPIC_KEY },
  ];

  for (const { kind, source: expectedSource = kind, who, expectedKey } of cases) {
    describe(who, () => {
      const forwarded = (requests) => {
        const request = assertForwarded(requests, {
          path: MESSAGES_PATH, keyHeader: 'x-api-key', expectedKey, token: users[kind].token,
        });
        // The SDK's own API version goes through; the sidecar's default applies only without one.
        assert.ok(sdkVersionHeader, 'the SDK sent no anthropic-version');
        assert.deepEqual(request.headers['anthropic-version'], [sdkVersionHeader]);
        return request;
      };

      test('messages.create answers with the reply and usage', async () => {
        const { result: { data, response }, requests } = await withProviderRequests(stack, () =>
          client(users[kind].token).messages.create(messageRequest()).withResponse());

        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-byok-key-source'), expectedSource);
        assert.equal(data.type, 'message');
        assert.equal(data.role, 'assistant');
        assert.equal(data.model, MODEL);
        assert.deepEqual(data.content, [{ type: 'text', text: REPLY }]);
        assert.equal(data.stop_reason, 'end_turn');
        assert.deepEqual(data.usage, USAGE);
        const request = forwarded(requests);
        assert.equal(JSON.parse(request.body).model, MODEL);
      });

      test('stream: true yields the events, text deltas and usage', async () => {
        const { result: { types, pieces, inputTokens, outputTokens, stopReason, source }, requests } =
          await withProviderRequests(stack, async () => {
            const { data: stream, response } = await client(users[kind].token).messages
              .create({ ...messageRequest(), stream: true })
              .withResponse();
            const types = [];
            const pieces = [];
            let inputTokens = null;
            let outputTokens = null;
            let stopReason = null;
            for await (const event of stream) {
              types.push(event.type);
              if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
              if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') pieces.push(event.delta.text);
              if (event.type === 'message_delta') {
                outputTokens = event.usage.output_tokens;
                stopReason = event.delta.stop_reason;
              }
            }
            return { types, pieces, inputTokens, outputTokens, stopReason, source: response.headers.get('x-byok-key-source') };
          });

        assert.equal(source, expectedSource);
        assert.equal(types[0], 'message_start');
        assert.equal(types.at(-1), 'message_stop');
        assert.ok(pieces.length >= 3, `expected at least 3 text deltas, got ${pieces.length}`);
        assert.equal(pieces.join(''), REPLY);
        assert.equal(stopReason, 'end_turn');
        assert.equal(inputTokens, PROMPT_TOKENS);
        assert.equal(outputTokens, COMPLETION_TOKENS);
        const request = forwarded(requests);
        assert.equal(JSON.parse(request.body).stream, true);
      });

      test('messages.stream helper gives the final message and usage', async () => {
        const { result: { texts, message, source }, requests } = await withProviderRequests(stack, async () => {
          const stream = client(users[kind].token).messages.stream(messageRequest());
          const texts = [];
          stream.on('text', (text) => texts.push(text));
          const { response } = await stream.withResponse();
          const message = await stream.finalMessage();
          return { texts, message, source: response.headers.get('x-byok-key-source') };
        });

        assert.equal(source, expectedSource);
        assert.ok(texts.length >= 3, `expected at least 3 text events, got ${texts.length}`);
        assert.equal(texts.join(''), REPLY);
        assert.deepEqual(message.content.map(({ type, text }) => ({ type, text })), [{ type: 'text', text: REPLY }]);
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.usage.input_tokens, PROMPT_TOKENS);
        assert.equal(message.usage.output_tokens, COMPLETION_TOKENS);
        forwarded(requests);
      });
    });
  }

  describe('errors', () => {
    for (const [name, makeToken] of Object.entries(INVALID_TOKENS)) {
      test(`${name} as API key is an AuthenticationError and reaches no provider`, async () => {
        const token = await makeToken(stack, users.byok);
        const { result: error, requests } = await withProviderRequests(stack, () =>
          client(token, { maxRetries: 0 }).messages.create(messageRequest()).then(
            () => assert.fail('the call succeeded'),
            (e) => e,
          ));

        assert.ok(error instanceof AuthenticationError, `expected AuthenticationError, got ${error?.constructor?.name}`);
        assert.equal(error.status, 401);
        assert.equal(error.error.status, 401);
        assert.match(error.error.detail, /token/i);
        assert.match(error.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.equal(error.headers.get('x-byok-key-source'), null);
        assert.equal(requests.length, 0, 'a request reached the provider');
      });
    }

    test('an upstream 429 is a RateLimitError with the provider error unchanged', async () => {
      const request = messageRequest('fake-status-429');
      const direct = await askProviderDirectly(stack, MESSAGES_PATH,
        { 'x-api-key': USER_ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' }, request);
      assert.equal(direct.status, 429);

      const { result: error, requests } = await withProviderRequests(stack, () =>
        client(users.byok.token, { maxRetries: 0 }).messages.create(request).then(
          () => assert.fail('the call succeeded'),
          (e) => e,
        ));

      assert.ok(error instanceof RateLimitError, `expected RateLimitError, got ${error?.constructor?.name}`);
      assert.equal(error.status, 429);
      assert.deepEqual(error.error, direct.body);
      assert.equal(error.type, 'rate_limit_error');
      assert.equal(error.apiMessage, direct.body.error.message);
      assert.equal(error.headers.get('retry-after'), '1');
      assert.equal(error.headers.get('x-byok-key-source'), 'byok');
      assert.equal(requests.length, 1, 'maxRetries: 0 must make exactly one upstream call');
      assert.equal(requests[0].status, 429);
    });
  });
});
