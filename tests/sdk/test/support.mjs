// Shared steps of the SDK suites: users with and without a stored key, and what the fake
// provider received. Assertions about secrets compare names, never values, so a failing test
// does not print a key or a token into the test report.
import assert from 'node:assert/strict';
import {
  SYSTEM_ANTHROPIC_KEY,
  SYSTEM_OPENAI_KEY,
  USER_ANTHROPIC_KEY,
  USER_OPENAI_KEY,
} from '../../harness/stack.mjs';

export { startStack, USER_ANTHROPIC_KEY, USER_OPENAI_KEY } from '../../harness/stack.mjs';

const KNOWN_KEYS = new Map([
  [SYSTEM_OPENAI_KEY, 'SYSTEM_OPENAI_KEY'],
  [SYSTEM_ANTHROPIC_KEY, 'SYSTEM_ANTHROPIC_KEY'],
  [USER_OPENAI_KEY, 'USER_OPENAI_KEY'],
  [USER_ANTHROPIC_KEY, 'USER_ANTHROPIC_KEY'],
]);

/** The harness constant a key value is, for assertion messages that must not show the value. */
export const keyName = (value) => (value == null ? null : KNOWN_KEYS.get(value) ?? 'an unknown key');

/** The prompt every chat test sends, and what the fake provider answers to it. */
export const PROMPT = 'Say hello through the gateway';
export const REPLY = `fake: ${PROMPT}`;
/** The fake counts whitespace-separated words as tokens. */
export const PROMPT_TOKENS = 5;
export const COMPLETION_TOKENS = 6;

/** Headers that can carry a caller credential; only the provider's own may arrive, with its key. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key'];

/** A cookie the SDK clients send, to prove the sidecar drops it before the provider. */
export const CLIENT_COOKIE = 'session=sdk-test-cookie';

/** A starter user without stored keys: served with the operator's system key. */
export async function starterUser(stack) {
  const user = await stack.createUser('starter', 'sdk');
  return { ...user, token: await stack.token(user.username, user.password) };
}

/** A starter user who stored `key` for `provider` through the management API. */
export async function byokUser(stack, provider, key) {
  const user = await starterUser(stack);
  await addKey(stack, user, provider, key);
  return user;
}

/** Stores a key for the user with `POST /api/v1/byok/keys/add`, as the Account Console does. */
export async function addKey(stack, user, provider, key) {
  const response = await fetch(`${stack.sidecarUrl}/api/v1/byok/keys/add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider, key, label: 'sdk test' }),
  });
  assert.equal(response.status, 200, `adding the ${provider} key answered ${response.status}`);
  assert.equal((await response.json()).provider, provider);
}

/**
 * A gateway key of the user (`POST /api/v1/byok/tokens` with the user's Keycloak token, DESIGN.md
 * §10): `{ id, token }`, the token being shown only in this answer.
 */
export async function createGatewayKey(stack, user, name = 'sdk test') {
  const response = await fetch(`${stack.sidecarUrl}/api/v1/byok/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, expires_in_days: 1 }),
  });
  assert.equal(response.status, 201, `creating a gateway key answered ${response.status}`);
  const { id, token } = await response.json();
  assert.match(token, /^bgk_/);
  return { id, token };
}

/** The same user calling with a gateway key instead of the Keycloak token. */
export async function withGatewayKey(stack, user) {
  return { ...user, token: (await createGatewayKey(stack, user)).token };
}

/** Runs `action` and returns its result with the provider requests it caused. */
export async function withProviderRequests(stack, action) {
  const before = (await stack.providerRequests()).length;
  const result = await action();
  const requests = (await stack.providerRequests()).slice(before);
  return { result, requests };
}

/**
 * The one request the fake provider received for a call: sent to `path` with the key named
 * `expectedKey` in `keyHeader`, carrying neither the caller's token (anywhere) nor a cookie.
 */
export function assertForwarded(requests, { path, keyHeader, expectedKey, token }) {
  assert.equal(requests.length, 1, `the provider received ${requests.length} requests`);
  const [request] = requests;
  assert.equal(request.method, 'POST');
  assert.equal(request.path, path);
  assert.equal(request.keyHeader, keyHeader);
  assert.equal(keyName(request.key), keyName(expectedKey), 'the provider received the wrong key');
  assert.ok(!('cookie' in request.headers), 'the Cookie header reached the provider');
  for (const header of CREDENTIAL_HEADERS.filter((h) => h !== keyHeader)) {
    assert.ok(!(header in request.headers), `the caller's ${header} header reached the provider`);
  }
  const seen = JSON.stringify({ headers: request.headers, query: request.query, body: request.body });
  assert.ok(!seen.includes(token), "the caller's Keycloak token reached the provider");
  assert.equal(request.status, 200);
  assert.equal(request.completed, true);
  return request;
}

/** What the fake provider answers when called directly with `key` (to compare error bodies). */
export async function askProviderDirectly(stack, path, headers, body) {
  const response = await fetch(`${stack.providerUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
