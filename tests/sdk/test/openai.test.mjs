// The official `openai` npm SDK, unchanged, against the sidecar: base URL `<sidecar>/openai/v1`,
// the user's Keycloak access token or a gateway key as API key (sent as `Authorization: Bearer`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI, { AuthenticationError, RateLimitError } from 'openai';
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
  USER_OPENAI_KEY,
  withProviderRequests,
} from './support.mjs';
import { SYSTEM_OPENAI_KEY } from '../../harness/stack.mjs';
import { INVALID_TOKENS } from './tokens.mjs';

const MODEL = 'gpt-5.4-mini';
const CHAT_PATH = '/v1/chat/completions';
const chatRequest = (model = MODEL) => ({ model, messages: [{ role: 'user', content: PROMPT }] });
// The whole usage block as OpenAI sends it (the fake provider answers with OpenAI's full shape).
const USAGE = {
  prompt_tokens: PROMPT_TOKENS,
  completion_tokens: COMPLETION_TOKENS,
  total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

describe('OpenAI SDK through the sidecar', () => {
  let stack;
  const users = {};

  before(async () => {
    stack = await startStack();
    users.byok = await byokUser(stack, 'openai', USER_OPENAI_KEY);
    users.system = await starterUser(stack);
    users.gatewayKey = await withGatewayKey(stack, users.byok);
  });
  after(() => stack?.stop());

  const client = (apiKey, options = {}) => new OpenAI({
    apiKey,
    baseURL: `${stack.sidecarUrl}/openai/v1`,
    // A browser-ish cookie the sidecar must not forward to the provider.
    defaultHeaders: { cookie: CLIENT_COOKIE },
    ...options,
  });

  const cases = [
    { kind: 'byok', who: 'a starter user with a stored OpenAI key', expectedKey: USER_OPENAI_KEY },
    { kind: 'system', who: 'a starter user without a key (system fallback)', expectedKey: SYSTEM_OPENAI_KEY },
    { kind: 'gatewayKey', source: 'byok', who: 'the same user calling with a gateway key instead of the token', expectedKey: USER_OPENAI_KEY },
  ];

  for (const { kind, source: expectedSource = kind, who, expectedKey } of cases) {
    describe(who, () => {
      const forwarded = (requests) => assertForwarded(requests, {
        path: CHAT_PATH, keyHeader: 'authorization', expectedKey, token: users[kind].token,
      });

      test('chat.completions.create answers with the reply and usage', async () => {
        const { result: { data, response }, requests } = await withProviderRequests(stack, () =>
          client(users[kind].token).chat.completions.create(chatRequest()).withResponse());

        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-byok-key-source'), expectedSource);
        assert.equal(data.object, 'chat.completion');
        assert.equal(data.model, MODEL);
        assert.equal(data.choices.length, 1);
        assert.equal(data.choices[0].message.role, 'assistant');
        assert.equal(data.choices[0].message.content, REPLY);
        assert.equal(data.choices[0].finish_reason, 'stop');
        assert.deepEqual(data.usage, USAGE);
        const request = forwarded(requests);
        assert.equal(request.headers.authorization[0].slice(0, 'Bearer '.length), 'Bearer ');
        assert.equal(JSON.parse(request.body).model, MODEL);
      });

      test('stream: true yields the reply chunk by chunk, then usage', async () => {
        const { result: { pieces, usage, finishReason, source }, requests } = await withProviderRequests(stack, async () => {
          const { data: stream, response } = await client(users[kind].token).chat.completions
            .create({ ...chatRequest(), stream: true, stream_options: { include_usage: true } })
            .withResponse();
          const pieces = [];
          let usage = null;
          let finishReason = null;
          for await (const chunk of stream) {
            assert.equal(chunk.object, 'chat.completion.chunk');
            for (const choice of chunk.choices) {
              if (choice.delta.content) pieces.push(choice.delta.content);
              finishReason = choice.finish_reason ?? finishReason;
            }
            usage = chunk.usage ?? usage;
          }
          return { pieces, usage, finishReason, source: response.headers.get('x-byok-key-source') };
        });

        assert.equal(source, expectedSource);
        assert.ok(pieces.length >= 3, `expected at least 3 content chunks, got ${pieces.length}`);
        assert.equal(pieces.join(''), REPLY);
        assert.equal(finishReason, 'stop');
        assert.deepEqual(usage, USAGE);
        const request = forwarded(requests);
        assert.equal(JSON.parse(request.body).stream, true);
      });

      test('chat.completions.stream helper gives the final completion and total usage', async () => {
        const { result: { deltas, completion, totalUsage }, requests } = await withProviderRequests(stack, async () => {
          const stream = client(users[kind].token).chat.completions.stream({
            ...chatRequest(), stream_options: { include_usage: true },
          });
          const deltas = [];
          stream.on('content', (delta) => deltas.push(delta));
          const completion = await stream.finalChatCompletion();
          return { deltas, completion, totalUsage: await stream.totalUsage() };
        });

        assert.ok(deltas.length >= 3, `expected at least 3 content events, got ${deltas.length}`);
        assert.equal(deltas.join(''), REPLY);
        assert.equal(completion.choices[0].message.content, REPLY);
        assert.equal(completion.choices[0].finish_reason, 'stop');
        // The totals: how much of the usage chunk the SDK's stream helper keeps differs between its code paths.
        const { prompt_tokens, completion_tokens, total_tokens } = completion.usage;
        assert.deepEqual({ prompt_tokens, completion_tokens, total_tokens },
          { prompt_tokens: USAGE.prompt_tokens, completion_tokens: USAGE.completion_tokens, total_tokens: USAGE.total_tokens });
        assert.deepEqual(totalUsage, { prompt_tokens, completion_tokens, total_tokens });
        forwarded(requests);
      });
    });
  }

  describe('errors', () => {
    for (const [name, makeToken] of Object.entries(INVALID_TOKENS)) {
      test(`${name} as API key is an AuthenticationError and reaches no provider`, async () => {
        const token = await makeToken(stack, users.byok);
        const { result: error, requests } = await withProviderRequests(stack, () =>
          client(token, { maxRetries: 0 }).chat.completions.create(chatRequest()).then(
            () => assert.fail('the call succeeded'),
            (e) => e,
          ));

        assert.ok(error instanceof AuthenticationError, `expected AuthenticationError, got ${error?.constructor?.name}`);
        assert.equal(error.status, 401);
        assert.match(error.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.equal(error.headers.get('x-byok-key-source'), null);
        assert.equal(requests.length, 0, 'a request reached the provider');
      });
    }

    // As in no-key.test.mjs: the OpenAI SDK shows the problem's `error.message`.
    test('the AuthenticationError carries the detail that says to get a new token', async () => {
      const error = await client('not-a-keycloak-token', { maxRetries: 0 }).chat.completions.create(chatRequest()).then(
        () => assert.fail('the call succeeded'),
        (e) => e,
      );
      assert.ok(error instanceof AuthenticationError);
      assert.match(error.message, /^401 .*Get a new token from Keycloak/);
    });

    test('an upstream 429 is a RateLimitError with the provider error unchanged', async () => {
      const request = chatRequest('fake-status-429');
      const direct = await askProviderDirectly(stack, CHAT_PATH, { authorization: `Bearer ${USER_OPENAI_KEY}` }, request);
      assert.equal(direct.status, 429);

      const { result: error, requests } = await withProviderRequests(stack, () =>
        client(users.byok.token, { maxRetries: 0 }).chat.completions.create(request).then(
          () => assert.fail('the call succeeded'),
          (e) => e,
        ));

      assert.ok(error instanceof RateLimitError, `expected RateLimitError, got ${error?.constructor?.name}`);
      assert.equal(error.status, 429);
      assert.deepEqual(error.error, direct.body.error);
      assert.equal(error.type, 'rate_limit_error');
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.message, `429 ${direct.body.error.message}`);
      assert.equal(error.headers.get('retry-after'), '1');
      assert.equal(error.headers.get('x-byok-key-source'), 'byok');
      assert.equal(requests.length, 1, 'maxRetries: 0 must make exactly one upstream call');
      assert.equal(requests[0].status, 429);
    });
  });
});
