// Launching Debian's Chromium through playwright-core, the way TOOLCHAIN.md
// says works here (no browser download), plus small helpers shared by tests.
//
// Every response from the proxy's origin — whatever page or frame asked for
// it, and the tests' own `proxyFetch` calls — is appended (status, headers,
// body when it is text) to test-output/responses/browser-<pid>.log, so that
// scripts/canary-scan.sh can prove no upstream key reached a browser.
import { chromium } from 'playwright-core';
import { appendFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROXY_URL = requiredEnv('PROXY_URL');
export const PAGES_URL = requiredEnv('PAGES_URL');
export const PARTNER_BACKEND_URL = process.env.PARTNER_BACKEND_URL || 'http://127.0.0.1:8081';
export const PARTNER_KEY = 'pk_demo_0000000000000000';
export const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');
mkdirSync(OUTPUT_DIR, { recursive: true });
export const RESPONSES_DIR = join(OUTPUT_DIR, 'responses');
mkdirSync(RESPONSES_DIR, { recursive: true });
const RESPONSE_LOG = join(RESPONSES_DIR, `browser-${process.pid}.log`);
const PROXY_ORIGIN = new URL(PROXY_URL).origin;

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through \`make test\``);
  return value;
}

/** Appends one response to this process's response log (one synchronous write). */
function recordResponse(source, method, url, status, statusText, headers, body) {
  const lines = [`=== ${source} ${method} ${url}`, `HTTP ${status} ${statusText}`];
  for (const { name, value } of headers) lines.push(`${name}: ${value}`);
  lines.push('', body ?? '[body not recorded: not text]', '', '');
  appendFileSync(RESPONSE_LOG, lines.join('\n'));
}

const isText = (contentType) => /^text\/|json|javascript|xml/i.test(contentType ?? '');

async function recordPageResponse(response) {
  if (new URL(response.url()).origin !== PROXY_ORIGIN) return;
  const headers = await response.headersArray();
  const contentType = headers.find(({ name }) => name.toLowerCase() === 'content-type')?.value;
  const body = isText(contentType)
    ? await response.text().catch((error) => `[body unavailable: ${error.message}]`)
    : null;
  const request = response.request();
  recordResponse('page', request.method(), response.url(), response.status(), response.statusText(), headers, body);
}

/** `fetch` to the proxy from the test itself, recorded like the pages' responses. */
export async function proxyFetch(url, init) {
  const response = await fetch(url, init);
  const headers = [...response.headers].map(([name, value]) => ({ name, value }));
  const body = isText(response.headers.get('content-type')) ? await response.clone().text() : null;
  recordResponse('fetch', init?.method ?? 'GET', url, response.status, response.statusText, headers, body);
  return response;
}

/**
 * A Chromium context whose every response from the proxy's origin is recorded
 * (`options`: playwright's context options, e.g. a phone's viewport and touch);
 * `close()` first waits for the recordings still reading a body.
 */
export async function launchChromium(options = {}) {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-profile-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'ru-RU',
    ...options,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const pending = new Set();
  context.on('response', (response) => {
    const recording = recordPageResponse(response).catch((error) => {
      recordResponse('page', '?', response.url(), response.status(), '', [], `[not recorded: ${error.message}]`);
    });
    pending.add(recording);
    recording.finally(() => pending.delete(recording));
  });
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await Promise.allSettled([...pending]);
    return close(...args);
  };
  return context;
}

/** The proxy's layout document, read the way the widget reads it. */
/**
 * Holds back the page's requests for `pattern` (e.g. a wasm module) until
 * the returned `release()` is called: what a slow line does to that file.
 */
export async function holdBack(page, pattern) {
  let release;
  const mayGo = new Promise((resolve) => { release = resolve; });
  await page.route(pattern, async (route) => { await mayGo; await route.continue(); });
  return release;
}

export async function fetchLayout(eventId, showId) {
  const response = await proxyFetch(`${PROXY_URL}/v1/events/${eventId}/shows/${showId}/layout`, {
    headers: { 'X-Partner-Key': PARTNER_KEY },
  });
  if (!response.ok) throw new Error(`layout ${response.status}`);
  return response.json();
}

/** "4 500,50 ₽" → 450050 (minor units). */
export function parseRoubles(text) {
  const normalised = text.replace(/[\s\u00a0\u202f₽]/g, '').replace(',', '.');
  const value = Number.parseFloat(normalised);
  if (Number.isNaN(value)) throw new Error(`not a rouble amount: ${JSON.stringify(text)}`);
  return Math.round(value * 100);
}

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core (pinned in package.json) run on the page's first <ticket-widget>,
 * its shadow root included: the violations of impact "serious" or "critical",
 * readable. Fails if axe saw nothing inside the shadow root.
 */
export async function seriousAxeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: AXE_PATH });
  const { violations, checkedInShadow } = await page.evaluate(async () => {
    const host = document.querySelector('ticket-widget');
    const results = await window.axe.run(host, { resultTypes: ['violations'] });
    // A node inside a shadow root has a target that is a list of selectors.
    const checkedInShadow = results.passes.concat(results.violations)
      .some((rule) => rule.nodes.some((node) => Array.isArray(node.target[0])));
    const violations = results.violations
      .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
      .map((rule) => ({
        rule: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.slice(0, 4).map((node) => `${JSON.stringify(node.target)}: ${node.failureSummary}`),
      }));
    return { violations, checkedInShadow };
  });
  if (!checkedInShadow) throw new Error('axe checked nothing inside the widget\'s shadow root');
  return violations;
}
