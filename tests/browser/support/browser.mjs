// What the browser tests share: prerequisite checks, Chromium via playwright-core, the harness
// URL, the page suites' stack (harness + gateway + Chromium), secret redaction for failure
// messages, a Fernet decryptor and a switchable TCP relay.
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { USER_OPENAI_KEY, repoRoot, startStack } from '../../harness/stack.mjs';
import { serveStatic } from './static-server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const HARNESS_DIR = join(repoRoot, 'keycloak-theme', 'dist-harness');
export const RESULTS_DIR = process.env.TEST_RESULTS_DIR || join(repoRoot, 'test-results');

// The flags every browser run here uses (helper brief): no sandbox as root, nothing phoning home.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * What every page suite runs against: the harness page served statically, the real stack (the
 * sidecar's CORS allows only configured origins: the harness's, known before it starts) and
 * Chromium. The stack's secrets are registered for redaction. `stop()` closes whatever started,
 * also when start-up failed half-way.
 */
export async function startPageStack() {
  checkPrerequisites();
  const started = {};
  started.stop = async () => {
    await started.browser?.close();
    await started.stack?.stop();
    await started.harness?.close();
  };
  try {
    started.harness = await serveStatic(HARNESS_DIR);
    started.stack = await startStack({ sidecarEnv: { Cors__AllowedOrigins__0: started.harness.origin } });
    secret(started.stack.encryptionKey);
    secret(USER_OPENAI_KEY);
    started.browser = await launchChromium();
    return started;
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** Throws a message that says what to install or build when something the suite needs is missing. */
export function checkPrerequisites() {
  const missing = [];
  if (!existsSync(CHROMIUM)) {
    missing.push(`Chromium is not at ${CHROMIUM}: install Debian's package (apt-get update && apt-get install -y chromium). ` +
      'playwright-core never downloads a browser; set CHROMIUM_PATH to use another Chromium.');
  }
  if (!existsSync(join(HARNESS_DIR, 'index.html'))) {
    missing.push(`The harness page ${join(HARNESS_DIR, 'index.html')} is missing: build it with ` +
      '(cd keycloak-theme && npm ci && npm run build), or run make test, which builds it.');
  }
  if (missing.length > 0) throw new Error(missing.join('\n'));
}

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** The harness URL for a sidecar base URL and a fixed access token. */
export function harnessUrl(harnessOrigin, apiUrl, token) {
  return `${harnessOrigin}/?${new URLSearchParams({ api: apiUrl, token })}`;
}

/** The `sub` claim of a JWT (the Keycloak user id), read without verifying. */
export function subjectOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;
}

const secrets = new Set();

/** Remembers a value (token, key) that must not appear in test output. */
export function secret(value) {
  if (value) secrets.add(value);
  return value;
}

function redact(text) {
  let result = String(text);
  for (const value of secrets) {
    result = result.split(value).join('<redacted>');
    // A token in a URL is percent-encoded only where needed; a key may be, too.
    result = result.split(encodeURIComponent(value)).join('<redacted>');
    result = result.split(new URLSearchParams({ v: value }).toString().slice(2)).join('<redacted>');
  }
  return result;
}

/**
 * Wraps a test body so a failure (Playwright errors quote URLs, which carry the token) reaches
 * the spec output and the JUnit report with every registered secret replaced.
 */
export function redacting(body) {
  return async (context) => {
    try {
      await body(context);
    } catch (error) {
      const clean = new Error(redact(error?.message ?? error));
      clean.stack = redact(error?.stack ?? clean.stack);
      if (error && 'actual' in error) {
        clean.actual = typeof error.actual === 'string' ? redact(error.actual) : error.actual;
        clean.expected = typeof error.expected === 'string' ? redact(error.expected) : error.expected;
      }
      throw clean;
    }
  };
}

/** Decrypts a Fernet token (what the sidecar stores in byok_<provider>_key) with the stack's key. */
export function fernetDecrypt(token, key) {
  const keyBytes = Buffer.from(key, 'base64url');
  const data = Buffer.from(token, 'base64url');
  if (keyBytes.length !== 32 || data.length < 1 + 8 + 16 + 16 + 32 || data[0] !== 0x80) throw new Error('not a Fernet token');
  const signed = data.subarray(0, data.length - 32);
  const mac = createHmac('sha256', keyBytes.subarray(0, 16)).update(signed).digest();
  if (!timingSafeEqual(mac, data.subarray(data.length - 32))) throw new Error('Fernet HMAC does not match');
  const decipher = createDecipheriv('aes-128-cbc', keyBytes.subarray(16), data.subarray(9, 25));
  return Buffer.concat([decipher.update(data.subarray(25, data.length - 32)), decipher.final()]).toString('utf8');
}

/**
 * A loopback port that refuses connections until `open()`, then relays to `target` (a URL).
 * The page can be pointed at it to see "unreachable", and Retry can then be made to succeed.
 */
export async function switchableRelay(target) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set();
  const server = createServer((socket) => {
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    sockets.add(socket);
    socket.on('close', () => { sockets.delete(socket); upstream.destroy(); });
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  // Take a free port, then let it go: until open() nothing listens there, so connections are refused.
  const port = await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    }),
    close: () => new Promise((resolve) => {
      if (!server.listening) return resolve();
      // The browser keeps connections alive; end them so close() does not wait for them.
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
