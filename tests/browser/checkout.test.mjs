// The buyer's whole path in Debian's Chromium on the script-tag partner page:
// seats → hold with countdown → buyer details → the partner's payment step
// (the demo backend confirms with the secret key) → tickets with barcodes.
// Also: a seat taken a moment earlier, and a hold that runs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, proxyFetch, PAGES_URL, PROXY_URL, PARTNER_KEY, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function openHall(page, eventId, showId) {
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator(`[data-testid=event-card][data-event-id="${eventId}"]`).click();
  const showButton = page.locator(`[data-testid=show-button][data-show-id="${showId}"]`);
  if (await showButton.count()) await showButton.click();
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
}

async function pickAvailableSeats(page, indexes) {
  const available = page.locator('[data-testid=seat]:not([data-state])');
  const ids = [];
  for (const index of indexes) ids.push(await available.nth(index).getAttribute('data-seat-id'));
  for (const id of ids) await page.locator(`[data-testid=seat][data-seat-id="${id}"]`).click({ force: true });
  return ids;
}

async function payAndSeeTickets(page, expectedTickets, screenshot) {
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=buyer-name]').fill('Анна Иванова');
  await page.locator('[data-testid=buyer-email]').fill('anna@example.ru');
  await page.locator('[data-testid=buyer-phone]').fill('8 916 123-45-67');
  await page.locator('[data-testid=buyer-submit]').click();
  await page.locator('[data-testid=tickets]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=ticket-card]').nth(expectedTickets - 1).waitFor();
  assert.equal(await page.locator('[data-testid=ticket-card]').count(), expectedTickets);
  const barcodes = await page.locator('[data-testid=barcode]').evaluateAll((svgs) => svgs.map((svg) => ({
    value: svg.dataset.value,
    bars: svg.querySelectorAll('rect').length,
  })));
  assert.equal(barcodes.length, expectedTickets);
  for (const barcode of barcodes) {
    assert.ok(barcode.value && barcode.value.length >= 6, `barcode value ${JSON.stringify(barcode)}`);
    assert.ok(barcode.bars > 10, 'drawn as bars, not only digits');
  }
  await page.screenshot({ path: join(OUTPUT_DIR, screenshot), fullPage: true });
}

test('QTickets: seats → hold → buyer → pay → barcodes; another buyer sees them taken', async () => {
  const page = await browser.newPage();
  await openHall(page, 'qt:1001', '2001');
  const seats = await pickAvailableSeats(page, [5, 6]);
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });

  const otherBuyer = await (await launchChromium()).newPage();
  try {
    await openHall(otherBuyer, 'qt:1001', '2001');
    for (const id of seats) {
      assert.equal(await otherBuyer.locator(`[data-testid=seat][data-seat-id="${id}"]`).getAttribute('data-state'), 'unavailable',
        `seat ${id} held by the first buyer is taken for the second`);
    }
  } finally {
    await otherBuyer.context().close();
  }
  await payAndSeeTickets(page, 2, 'checkout-qtickets.png');
  await page.close();
});

test('TicketsCloud: a seat and an admission → pay → barcodes', async () => {
  const page = await browser.newPage();
  await openHall(page, 'tc:5f1a0c0e2b3c4d5e6f708192', '5f1a0c0e2b3c4d5e6f708192');
  await pickAvailableSeats(page, [2]);
  await page.locator('[data-testid=admission-plus]').first().click();
  await page.locator('[data-testid=reserve-button]').click();
  await payAndSeeTickets(page, 2, 'checkout-ticketscloud.png');
  await page.close();
});

test('a seat taken a moment earlier: marked, the other choice kept, the buyer told', async () => {
  const page = await browser.newPage();
  // Taken too late for the page to hear of it before "reserve": no live
  // feed, no availability reads (live.test.mjs covers what they do).
  await page.addInitScript(() => {
    const BrowserWebSocket = window.WebSocket;
    window.WebSocket = class extends BrowserWebSocket {
      constructor(_url, protocols) { super('ws://127.0.0.1:9/unreachable', protocols); }
    };
  });
  await openHall(page, 'qt:1001', '2001');
  await page.route('**/availability', (route) => route.abort());
  const [taken, kept] = await pickAvailableSeats(page, [30, 31]);
  const rival = await proxyFetch(`${PROXY_URL}/v1/holds`, {
    method: 'POST',
    headers: { 'X-Partner-Key': PARTNER_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ event: 'qt:1001', show: '2001', seats: [taken], admission: {} }),
  });
  assert.equal(rival.status, 201, 'someone else holds the seat first');
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=seats-taken-message]').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`[data-testid=seat][data-seat-id="${taken}"]`).getAttribute('data-state'), 'unavailable');
  assert.equal(await page.locator(`[data-testid=seat][data-seat-id="${kept}"]`).getAttribute('data-state'), 'selected');
  await page.screenshot({ path: join(OUTPUT_DIR, 'seat-taken.png'), fullPage: true });
  await page.close();
});

test('a hold that runs out: the buyer is told, the host page hears it, and the seat is on sale again', async () => {
  const page = await browser.newPage();
  // The host page's view of it (README "The host page's API").
  await page.addInitScript(() => {
    window.__heard = [];
    for (const name of ['hold', 'expire']) {
      document.addEventListener(`ticket-widget:${name}`, (event) => window.__heard.push({ name, hold_id: event.detail.hold_id }));
    }
  });
  await openHall(page, 'qt:1001', '2001');
  const [seat] = await pickAvailableSeats(page, [60]);
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  // The test stack's holds last 25 s.
  await page.locator('[data-testid=hold-expired]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(OUTPUT_DIR, 'hold-expired.png'), fullPage: true });
  const heard = await page.evaluate(() => window.__heard);
  assert.deepEqual(heard.map((event) => event.name), ['hold', 'expire'], JSON.stringify(heard));
  assert.equal(heard[1].hold_id, heard[0].hold_id);
  assert.equal(await page.evaluate(() => document.querySelector('ticket-widget').hold), null);
  await page.locator(`[data-testid=seat][data-seat-id="${seat}"]:not([data-state])`).waitFor({ timeout: 30_000 });
  await page.close();
});

test('a reload keeps the hold: the same hold, still held after the proxy\'s grace for a page that went away', async () => {
  const page = await browser.newPage();
  await openHall(page, 'qt:1001', '2001');
  const [seat] = await pickAvailableSeats(page, [30]);
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  const storedHold = () => page.evaluate((key) => sessionStorage.getItem(key), `ticket-widget:hold:${PARTNER_KEY}`);
  const before = (await storedHold()).split(' ')[0];
  assert.match(before, /^h_[0-9a-f]{32}$/);

  // pagehide sends the release beacon; the reloaded widget finds its hold.
  await page.reload();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  assert.equal((await storedHold()).split(' ')[0], before, 'the same hold, not a new reservation');

  // Past the proxy's 15 s grace the seat is still held (read through the
  // hall's availability: reading the hold itself would count as coming back).
  await page.waitForTimeout(16_500);
  const layout = await (await proxyFetch(`${PROXY_URL}/v1/events/qt:1001/shows/2001/layout`, { headers: { 'X-Partner-Key': PARTNER_KEY } })).json();
  const availability = await (await proxyFetch(`${PROXY_URL}/v1/events/qt:1001/shows/2001/availability`, {
    headers: { 'X-Partner-Key': PARTNER_KEY }, cache: 'no-store',
  })).json();
  const index = layout.seats.findIndex((candidate) => candidate.id === seat);
  const bits = Buffer.from(availability.seats_available, 'hex');
  const onSale = (bits[index >> 3] >> (7 - (index & 7))) & 1;
  assert.equal(onSale, 0, `seat ${seat} is still held after the reload`);
  await page.close();
});
