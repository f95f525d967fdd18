// Starts the Keycloak emulator, the fake LLM provider and the sidecar as real processes on free
// loopback ports, wired like `make dev`, for the JavaScript test suites (official SDKs, browser).
// The .NET projects must be built first (`make build`); CONFIGURATION selects Debug or Release.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configuration = process.env.CONFIGURATION || 'Debug';

export const SYSTEM_OPENAI_KEY = 'sk-system-openai-0123456789';
export const SYSTEM_ANTHROPIC_KEY = 'sk-ant-system-0123456789';
export const USER_OPENAI_KEY = 'sk-user-valid-openai-0001';
export const USER_ANTHROPIC_KEY = 'sk-ant-user-valid-0001';

const PROVIDERS = ['openai', 'anthropic', 'huggingface', 'cohere', 'together', 'perplexity', 'groq', 'openrouter', 'gemini', 'mistral', 'deepseek'];

const dll = (project, name) => join(repoRoot, project, 'bin', configuration, 'net10.0', `${name}.dll`);

/** A Fernet key, as `byok-sidecar generate-key` prints it. */
export const generateFernetKey = () => randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

/** Starts a .NET program with --urls on port 0 and resolves with its address once it listens. */
function startDotnet(name, dllPath, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', [dllPath, '--urls', 'http://127.0.0.1:0'], {
      cwd: repoRoot,
      env: { ...process.env, DOTNET_NOLOGO: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start listening within 60 s`)), 60_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      // Only the last lines: enough to see why, without echoing whole logs into test output.
      reject(new Error(`${error.message}\n${output.split('\n').slice(-15).join('\n')}`));
    };
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(/Now listening on: (http:\/\/[^\s]+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, url: match[1].replace(/\/$/, '') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('exit', (code) => fail(new Error(`${name} exited with code ${code} before listening`)));
    child.on('error', fail);
  });
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function form(url, fields) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}`);
  return response.json();
}

/**
 * Starts the three processes. `sidecarEnv` adds or overrides the sidecar's environment (for
 * example `Cors__AllowedOrigins__0`); `fakeKeys` adds keys the fake provider accepts.
 */
export async function startStack({ sidecarEnv = {}, fakeKeys = [] } = {}) {
  const secret = randomBytes(16).toString('hex');
  const encryptionKey = generateFernetKey();
  const processes = [];
  const cleanups = [];
  try {
    const keycloak = await startDotnet('Keycloak emulator', dll('tests/KeycloakEmulator', 'KeycloakEmulator'), { BYOK_SIDECAR_SECRET: secret });
    processes.push(keycloak.child);
    const keys = [SYSTEM_OPENAI_KEY, SYSTEM_ANTHROPIC_KEY, USER_OPENAI_KEY, USER_ANTHROPIC_KEY, ...fakeKeys];
    const provider = await startDotnet('fake provider', dll('tests/FakeProvider', 'FakeProvider'), { FAKE_PROVIDER_KEYS: keys.join(',') });
    processes.push(provider.child);

    const env = {
      ENCRYPTION_KEY: encryptionKey,
      Keycloak__Url: keycloak.url,
      Keycloak__ClientSecret: secret,
      OPENAI_API_KEY: SYSTEM_OPENAI_KEY,
      ANTHROPIC_API_KEY: SYSTEM_ANTHROPIC_KEY,
      OutboundGuard__AllowHttp: 'true',
      OutboundGuard__AllowPrivateNetworks: 'true',
    };
    for (const id of PROVIDERS) {
      env[`Providers__${id}__BaseUrl`] = provider.url;
      env[`Providers__${id}__Test__BaseUrl`] = provider.url;
    }
    // The usage ledger's SQLite file: a directory of this stack only (the default, ./data, would land in the repo).
    const ledgerDir = mkdtempSync(join(tmpdir(), 'byok-stack-ledger-'));
    cleanups.push(() => rmSync(ledgerDir, { recursive: true, force: true }));
    env.Ledger__DataDirectory = ledgerDir;
    const sidecar = await startDotnet('sidecar', dll('sidecar', 'byok-sidecar'), { ...env, ...sidecarEnv });
    processes.push(sidecar.child);

    const tokenUrl = `${keycloak.url}/realms/byok/protocol/openid-connect/token`;
    let adminToken;
    const admin = async (method, path, body) => {
      adminToken ??= (await form(tokenUrl, { grant_type: 'client_credentials', client_id: 'byok-sidecar', client_secret: secret })).access_token;
      return fetch(`${keycloak.url}/admin/realms/byok${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };

    return {
      keycloakUrl: keycloak.url,
      providerUrl: provider.url,
      sidecarUrl: sidecar.url,
      tokenUrl,
      encryptionKey,

      /** Access token of a realm user (password grant of byok-cli). */
      async token(username, password = username) {
        return (await form(tokenUrl, { grant_type: 'password', client_id: 'byok-cli', username, password, scope: 'openid' })).access_token;
      },

      /** Creates a user with a tier and returns { id, username, password }. */
      async createUser(tier, prefix = 'js') {
        const username = `${prefix}-${randomBytes(6).toString('hex')}`;
        const password = `pw-${randomBytes(8).toString('hex')}`;
        const created = await admin('POST', '/users', {
          username, enabled: true, email: `${username}@example.test`, emailVerified: true, firstName: 'Test', lastName: prefix,
          attributes: tier ? { subscription_tier: [tier] } : {},
        });
        if (created.status !== 201) throw new Error(`creating a user answered ${created.status}`);
        const id = created.headers.get('location').split('/').pop();
        const reset = await admin('PUT', `/users/${id}/reset-password`, { type: 'password', value: password, temporary: false });
        if (reset.status !== 204) throw new Error(`setting a password answered ${reset.status}`);
        return { id, username, password };
      },

      /** The user as Keycloak's Admin API returns it. */
      async getUser(id) {
        return (await admin('GET', `/users/${id}`)).json();
      },

      /** Requests the fake provider received, oldest first. */
      async providerRequests() {
        return (await fetch(`${provider.url}/_fake/requests`)).json();
      },

      async stop() {
        await Promise.all(processes.reverse().map(stop));
        for (const cleanup of cleanups) cleanup();
      },
    };
  } catch (error) {
    await Promise.all(processes.map(stop));
    for (const cleanup of cleanups) cleanup();
    throw error;
  }
}
