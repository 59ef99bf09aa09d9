// The buyer's path so far, in Debian's Chromium, on both partner pages: events
// from both providers → the 2,000-seat hall → pick seats → the right total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, fetchLayout, parseRoubles, PAGES_URL, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** Runs the path inside `root` (a page or a frame locator); returns what it saw. */
async function pickSeatsInTheBigHall(root) {
  const cards = root.locator('[data-testid=event-card]');
  await cards.first().waitFor({ timeout: 30_000 });
  const eventIds = await cards.evaluateAll((elements) => elements.map((e) => e.dataset.eventId));
  assert.ok(eventIds.some((id) => id.startsWith('qt:')), `QTickets events listed: ${eventIds}`);
  assert.ok(eventIds.some((id) => id.startsWith('tc:')), `TicketsCloud events listed: ${eventIds}`);

  await root.locator('[data-testid=event-card][data-event-id="qt:1001"]').click();
  await root.locator('[data-testid=show-button]').first().click();
  const seats = root.locator('[data-testid=seat]');
  await root.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
  assert.ok(await seats.count() >= 2000, 'every seat of the hall is drawn');
  assert.ok(await root.locator('[data-testid=seat][data-state=unavailable]').count() > 0, 'sold seats are shown');
  await root.locator('[data-testid=zone-legend]').waitFor();

  const layout = await fetchLayout('qt:1001', '2001');
  const priceOf = new Map(layout.seats.map((seat) => [seat.id, seat.price.minor]));
  const chosen = root.locator('[data-testid=seat]:not([data-state])');
  const picked = [];
  for (const index of [0, 40, 400]) {
    const seat = chosen.nth(index);
    picked.push(await seat.getAttribute('data-seat-id'));
    await seat.click({ force: true });
  }
  await root.locator('[data-testid=seat][data-state=selected]').nth(2).waitFor();
  const expected = picked.reduce((sum, id) => sum + priceOf.get(id), 0);
  const totalText = await root.locator('[data-testid=selection-total]').innerText();
  assert.equal(parseRoubles(totalText), expected, `total "${totalText}" for ${picked}`);
  return { eventIds, picked };
}

test('script-tag page: both providers, the 2,000-seat hall, seats and total', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await pickSeatsInTheBigHall(page);
  await page.screenshot({ path: join(OUTPUT_DIR, 'script-tag.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no script errors on the partner page');
  await page.close();
});

test('iframe page: the same path inside the embed, and the iframe grows to fit', async () => {
  const page = await browser.newPage();
  await page.goto(`${PAGES_URL}/iframe.html`);
  const frame = page.frameLocator('iframe[data-ticket-widget]');
  await pickSeatsInTheBigHall(frame);
  const height = await page.locator('iframe[data-ticket-widget]').evaluate((iframe) => iframe.getBoundingClientRect().height);
  assert.ok(height > 600, `iframe height follows its content (${height}px)`);
  await page.screenshot({ path: join(OUTPUT_DIR, 'iframe.png'), fullPage: true });
  await page.close();
});

test('a widget opened on a date reads its hall once, started by the loader before the widget runs', async () => {
  const page = await browser.newPage();
  const reads = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname.startsWith('/v1/')) reads.push({ path: url.pathname });
  });
  // When the widget started (the page's clock, as its resource timings).
  await page.addInitScript(() => {
    document.addEventListener('ticket-widget:ready', () => { window.__readyAt = window.__readyAt || performance.now(); });
  });
  // A browser that cached these documents for another origin (the iframe
  // test above, on the proxy's own origin) must not hand them to this page.
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  await page.goto(`${PAGES_URL}/one-date.html`);
  // The widget's own map (the hall painted before it has no data-testid=hall).
  await page.locator('[data-testid=hall] [data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 }).catch((error) => {
    throw new Error(`no seat on sale: ${error.message}; console errors: ${JSON.stringify(consoleErrors)}`);
  });
  assert.ok(await page.locator('[data-testid=hall] [data-testid=seat]').count() >= 2000, 'the whole hall is drawn');
  const count = (suffix) => reads.filter((read) => read.path.endsWith(suffix)).length;
  assert.equal(count('/shows/2001/layout'), 1, `layout read once: ${JSON.stringify(reads)}`);
  assert.equal(count('/shows/2001/availability'), 1, `availability read once: ${JSON.stringify(reads)}`);
  assert.equal(count('/v1/events'), 1, `catalogue read once: ${JSON.stringify(reads)}`);
  // The loader asked for them (the widget takes its responses), not the widget once it ran.
  const [layoutAt, readyAt] = await page.evaluate(() => [
    performance.getEntriesByType('resource').find((entry) => /\/layout\?/.test(entry.name))?.startTime,
    window.__readyAt,
  ]);
  assert.ok(layoutAt !== undefined && readyAt, `the layout read and the widget's start were seen: ${layoutAt}, ${readyAt}`);
  assert.ok(layoutAt <= readyAt, `the layout was asked for ${(layoutAt - readyAt).toFixed(0)} ms after the widget started`);
  await page.close();
});

test('places priced 0: not on sale for the demo partner; "бесплатно" for a partner that gives them away', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${PAGES_URL}/one-date.html`);
  // The Кремлёвский дворец's «Supervip» zone (zone 7) is priced 0 upstream.
  const supervip = '[data-testid=seat][data-seat-id^="7-"]';
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(supervip).count(), 12, 'the free seats are drawn');
  assert.equal(await page.locator(`${supervip}:not([data-state])`).count(), 0, 'and not on sale to the demo partner');

  // The same page with the key of a partner whose record allows free places
  // (the examples carry the demo key): swapped as the parser inserts the
  // element, before the loader reads it.
  const page2 = await browser.newPage();
  page2.on('pageerror', (error) => errors.push(error.message));
  await page2.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const widget = document.querySelector('ticket-widget');
      if (widget) {
        widget.setAttribute('partner', 'pk_test_free_00000000000');
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page2.goto(`${PAGES_URL}/one-date.html`);
  const free = page2.locator(`${supervip}:not([data-state])`);
  await free.first().waitFor({ timeout: 30_000 });
  const legendPrice = page2.locator('[data-testid=zone-legend] [data-zone-id="7"] .tw-legend-price');
  assert.equal((await legendPrice.innerText()).trim(), 'бесплатно');
  await free.first().click({ force: true });
  await page2.locator(`${supervip}[data-state=selected]`).first().waitFor();
  const line = page2.locator('[data-testid=selection-seat]').first();
  assert.equal((await line.locator('.tw-price').innerText()).trim(), 'бесплатно');
  assert.equal((await page2.locator('[data-testid=selection-total]').innerText()).trim(), 'бесплатно');
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
  await page2.close();
});
