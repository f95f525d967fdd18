// Tokens the sidecar must refuse (401) before it resolves a key or calls a provider.

/** The same token with every signature byte flipped: well-formed, right issuer, forged signature. */
export function forgeSignature(token) {
  const [header, payload, signature] = token.split('.');
  const flipped = Buffer.from(signature, 'base64url').map((b) => b ^ 0xff);
  return [header, payload, Buffer.from(flipped).toString('base64url')].join('.');
}

/** A token of `username` signed by the realm that expired an hour ago (emulator test control). */
export async function expiredToken(stack, username) {
  const response = await fetch(`${stack.keycloakUrl}/_emulator/realms/byok/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, clientId: 'byok-cli', lifetimeSeconds: -3600 }),
  });
  if (!response.ok) throw new Error(`minting an expired token answered ${response.status}`);
  return (await response.json()).access_token;
}

/** name → async (stack, user) => token, for the 401 cases. */
export const INVALID_TOKENS = {
  'a string that is not a JWT': async () => 'not-a-keycloak-token',
  'a realm token with a forged signature': async (stack, user) => forgeSignature(user.token),
  'an expired realm token': async (stack, user) => expiredToken(stack, user.username),
};
