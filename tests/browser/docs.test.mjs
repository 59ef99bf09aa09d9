// The API reference at /docs, in Debian's Chromium: Swagger UI (served by the
// proxy itself, no CDN) renders the proxy's own /v1/openapi.json — every
// operation, the error-code table — deep links open an operation, and the
// page talks to no origin but the proxy's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, proxyFetch, PROXY_URL, OUTPUT_DIR } from './browser.mjs';

const PROXY_ORIGIN = new URL(PROXY_URL).origin;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** `operations-<tag>-<operationId>`: Swagger UI's element id of each operation in the document. */
async function documentedOperations() {
  const response = await proxyFetch(`${PROXY_URL}/v1/openapi.json`);
  assert.equal(response.status, 200, 'the document is served');
  const document = await response.json();
  const operations = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters') continue;
      operations.push({ method, path, tag: operation.tags[0], id: operation.operationId });
    }
  }
  return operations;
}

/** Opens `url` in a new page that records every request leaving the proxy's origin and every script error. */
async function openWatched(url) {
  const page = await browser.newPage();
  const foreignRequests = [];
  const scriptErrors = [];
  const failedResponses = [];
  page.on('request', (request) => {
    const requested = new URL(request.url());
    if (requested.protocol === 'data:' || requested.protocol === 'blob:') return;
    if (requested.origin !== PROXY_ORIGIN) foreignRequests.push(request.url());
  });
  page.on('response', (response) => { if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  page.on('console', (message) => {
    // A failed load is reported with its URL in `failedResponses`.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) scriptErrors.push(message.text());
  });
  const response = await page.goto(url);
  return { page, response, foreignRequests, scriptErrors, failedResponses };
}

test('/docs renders every operation and the error codes, from the proxy alone', async () => {
  const operations = await documentedOperations();
  assert.ok(operations.length >= 11, `operations in the document: ${operations.length}`);

  const { page, response, foreignRequests, scriptErrors, failedResponses } = await openWatched(`${PROXY_URL}/docs`);
  assert.equal(response.status(), 200, '/docs is served');
  assert.match(await page.title(), /Ticket proxy/);

  const createHold = page.locator('#operations-Holds-createHold');
  await createHold.waitFor({ timeout: 30_000 });
  assert.equal((await createHold.locator('.opblock-summary-method').innerText()).trim(), 'POST');
  assert.equal(await createHold.locator('.opblock-summary-path').getAttribute('data-path'), '/v1/holds');
  for (const { method, path, tag, id } of operations) {
    const block = page.locator(`[id="operations-${tag}-${id}"]`);
    assert.equal(await block.count(), 1, `${method.toUpperCase()} ${path} is rendered`);
  }

  // The introduction's error table, rendered as a table.
  const rateLimitedRow = page.locator('.information-container table tr', { hasText: 'rate_limited' });
  await rateLimitedRow.waitFor();
  assert.match(await rateLimitedRow.innerText(), /429/);
  assert.ok(await page.locator('.information-container table tr', { hasText: 'seat_unavailable' }).count() === 1);
  assert.match(await page.locator('.information-container .title').innerText(), /Ticket proxy API/);
  // Both keys can be entered under "Authorize".
  await page.locator('.auth-wrapper .authorize').waitFor();

  // Deep linking: opening an operation puts it in the address.
  await createHold.locator('.opblock-summary-control').click();
  await createHold.locator('.opblock-body').waitFor();
  await page.waitForFunction(() => window.location.hash === '#/Holds/createHold');
  assert.equal(await createHold.locator('.try-out__btn').count(), 1, '"Try it out" is offered');

  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUTPUT_DIR, 'docs.png'), fullPage: true });
  assert.deepEqual(foreignRequests, [], 'no request leaves the proxy (no CDN, no validator, no telemetry)');
  assert.deepEqual(scriptErrors, [], 'no script errors');
  assert.deepEqual(failedResponses, [], 'every file the page needs is served');
  await page.close();
});

test('a deep link opens its operation', async () => {
  const { page, foreignRequests } = await openWatched(`${PROXY_URL}/docs#/Server/confirmHold`);
  const confirm = page.locator('#operations-Server-confirmHold');
  await confirm.locator('.opblock-body').waitFor({ timeout: 30_000 });
  assert.match(await confirm.innerText(), /Authorization: Bearer/);
  assert.equal(await page.locator('#operations-Holds-createHold .opblock-body').count(), 0, 'other operations stay closed');
  assert.deepEqual(foreignRequests, []);
  await page.close();
});

test('the page itself has no inline script (it works under a strict CSP)', async () => {
  const response = await proxyFetch(`${PROXY_URL}/docs`);
  assert.equal(response.status, 200);
  const html = await response.text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 2, 'Swagger UI and our initialiser are loaded');
  for (const [, attributes, body] of scripts) {
    assert.match(attributes, /\bsrc="\/docs\//, 'scripts come from /docs/');
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
});
