// The official `openai` npm SDK, unchanged, against the gateway's one endpoint for every provider:
// base URL `<sidecar>/v1`, models written `<provider>/<model>`. One client reaches three
// providers: openai (the operator's system key), groq and gemini (the user's own keys).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI, { BadRequestError, PermissionDeniedError } from 'openai';
import {
  assertForwarded,
  byokUser,
  addKey,
  PROMPT,
  REPLY,
  startStack,
  withProviderRequests,
} from './support.mjs';
import { SYSTEM_OPENAI_KEY } from '../../harness/stack.mjs';

const GROQ_KEY = 'gsk_sdk_unified_groq_0001';
const GEMINI_KEY = 'gemini-sdk-unified-0001';

// Each provider's OpenAI-compatible path (the catalogue's OpenAiPath) and the header its key goes in.
const PROVIDERS = [
  { id: 'openai', model: 'gpt-5.4-mini', path: '/v1', keyHeader: 'authorization', key: SYSTEM_OPENAI_KEY, source: 'system', mount: 'openai' },
  { id: 'groq', model: 'llama-3.3-70b-versatile', path: '/openai/v1', keyHeader: 'authorization', key: GROQ_KEY, source: 'byok', mount: 'groq' },
  { id: 'gemini', model: 'gemini-2.5-flash', path: '/v1beta/openai', keyHeader: 'x-goog-api-key', key: GEMINI_KEY, source: 'byok', mount: 'gemini' },
];

describe('OpenAI SDK through the unified /v1 endpoint', () => {
  let stack;
  let user;
  let client;

  before(async () => {
    stack = await startStack({ fakeKeys: [GROQ_KEY, GEMINI_KEY] });
    user = await byokUser(stack, 'groq', GROQ_KEY);
    await addKey(stack, user, 'gemini', GEMINI_KEY);
    client = new OpenAI({ apiKey: user.token, baseURL: `${stack.sidecarUrl}/v1`, maxRetries: 0 });
  });
  after(() => stack?.stop());

  // The one request the provider received, on `path`, with exactly `key` (compared, never printed).
  const forwardedTo = (requests, path, keyHeader, key) => {
    const request = assertForwarded(requests, { path, keyHeader, expectedKey: key, token: user.token });
    assert.ok(request.key === key, `the provider at ${path} received another provider's key`);
    return request;
  };

  for (const provider of PROVIDERS) {
    const forwarded = (requests, call) => forwardedTo(requests, `${provider.path}${call}`, provider.keyHeader, provider.key);

    test(`${provider.id}/${provider.model}: chat.completions.create reaches ${provider.id} with its own model name`, async () => {
      const { result: { data, response }, requests } = await withProviderRequests(stack, () =>
        client.chat.completions.create({ model: `${provider.id}/${provider.model}`, messages: [{ role: 'user', content: PROMPT }] }).withResponse());

      assert.equal(response.headers.get('x-byok-provider'), provider.id);
      assert.equal(response.headers.get('x-byok-key-source'), provider.source);
      assert.equal(data.model, provider.model);
      assert.equal(data.system_fingerprint, `fake-${provider.mount}`);
      assert.equal(data.choices[0].message.content, REPLY);
      const request = forwarded(requests, '/chat/completions');
      assert.equal(JSON.parse(request.body).model, provider.model);
    });

    test(`${provider.id}/${provider.model}: stream: true arrives chunk by chunk`, async () => {
      const { result: { pieces, fingerprints }, requests } = await withProviderRequests(stack, async () => {
        const stream = await client.chat.completions.create({
          model: `${provider.id}/${provider.model}`, messages: [{ role: 'user', content: PROMPT }], stream: true,
        });
        const pieces = [];
        const fingerprints = new Set();
        for await (const chunk of stream) {
          fingerprints.add(chunk.system_fingerprint);
          for (const choice of chunk.choices) if (choice.delta.content) pieces.push(choice.delta.content);
        }
        return { pieces, fingerprints };
      });

      assert.ok(pieces.length >= 3, `expected at least 3 content chunks, got ${pieces.length}`);
      assert.equal(pieces.join(''), REPLY);
      assert.deepEqual([...fingerprints], [`fake-${provider.mount}`]);
      assert.equal(JSON.parse(forwarded(requests, '/chat/completions').body).stream, true);
    });
  }

  test('models.list is the union of the three providers, ids prefixed', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);

    for (const provider of PROVIDERS) {
      assert.ok(ids.includes(`${provider.id}/${provider.mount}-model`), `${provider.id}'s own model is missing from ${ids.join(', ')}`);
    }
    // anthropic too (system key), nothing without a key (mistral, deepseek, ...).
    assert.deepEqual([...new Set(ids.map((id) => id.split('/')[0]))].sort(), ['anthropic', 'gemini', 'groq', 'openai']);
  });

  test('models.retrieve answers for a prefixed id', async () => {
    const model = await client.models.retrieve('groq/groq-model');
    assert.equal(model.id, 'groq/groq-model');
    assert.equal(model.object, 'model');
  });

  test('embeddings.create (base64 by default in the SDK) reaches the provider', async () => {
    const { result, requests } = await withProviderRequests(stack, () =>
      client.embeddings.create({ model: 'groq/embed-x', input: ['alpha', 'beta'] }));

    assert.equal(result.data.length, 2);
    assert.equal(result.data[0].embedding.length, 8);
    assert.equal(result.model, 'embed-x');
    assert.equal(JSON.parse(forwardedTo(requests, '/openai/v1/embeddings', 'authorization', GROQ_KEY).body).model, 'embed-x');
  });

  test('a model without provider is a BadRequestError saying how to write it', async () => {
    const { result: error, requests } = await withProviderRequests(stack, () =>
      client.chat.completions.create({ model: 'llama-3.3-70b', messages: [{ role: 'user', content: PROMPT }] }).then(
        () => assert.fail('the call succeeded'),
        (e) => e,
      ));

    assert.ok(error instanceof BadRequestError, `expected BadRequestError, got ${error?.constructor?.name}`);
    assert.match(error.message, /<provider>\/<model>/);
    assert.match(error.message, /Providers you can use: openai, anthropic, groq, gemini\./);
    assert.equal(error.code, 'model_not_found');
    assert.equal(error.param, 'model');
    assert.equal(requests.length, 0, 'a request reached the provider');
  });

  test('a provider the user has no key for is a PermissionDeniedError naming it', async () => {
    const error = await client.chat.completions.create({ model: 'mistral/mistral-small', messages: [{ role: 'user', content: PROMPT }] }).then(
      () => assert.fail('the call succeeded'),
      (e) => e,
    );

    assert.ok(error instanceof PermissionDeniedError, `expected PermissionDeniedError, got ${error?.constructor?.name}`);
    assert.match(error.message, /Mistral AI/);
  });
});
