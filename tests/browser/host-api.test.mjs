// The host page's API in Debian's Chromium, on the single-page-app example
// (examples/spa.html): every `ticket-widget:*` event reaches the page with its
// detail, `open()`, `reset()` and the read-only `hold` work, and the widget
// survives the SPA's navigation (removed and added again, two on one view,
// the browser's back button).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, PAGES_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** The events the page has logged so far: `[{name, detail}]`. */
function logged(page) {
  return page.evaluate(() => window.__events);
}

/** Waits until the page has logged `count` events named `name`; returns their details. */
async function eventsNamed(page, name, count = 1) {
  await page.waitForFunction(
    ([wanted, atLeast]) => window.__events.filter((event) => event.name === wanted).length >= atLeast,
    [name, count],
    { timeout: 30_000 },
  ).catch(async (error) => {
    const seen = (await logged(page)).map((event) => `${event.name} ${JSON.stringify(event.detail).slice(0, 80)}`);
    throw new Error(`no ${count} × ${name} (${error.message}); the page heard: ${seen.join(' | ')}`);
  });
  return (await logged(page)).filter((event) => event.name === name).map((event) => event.detail);
}

/**
 * Picks a seat on sale in `widget` the way a buyer would: once the map has
 * stopped moving (the widget's header and legend arrive after its map and
 * push it down), one whose centre is not under the map's own controls.
 */
async function pickASeat(widget) {
  const seats = widget.locator('[data-testid=hall] [data-testid=seat]:not([data-state])');
  await seats.first().waitFor({ timeout: 30_000 });
  let last = null;
  for (let tries = 0; tries < 50; tries += 1) {
    const box = await seats.first().boundingBox();
    if (box && last && box.x === last.x && box.y === last.y) break;
    last = box;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const index = await seats.evaluateAll((circles) => circles.findIndex((circle) => {
    const box = circle.getBoundingClientRect();
    const hit = circle.getRootNode().elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit === circle;
  }));
  assert.ok(index >= 0, 'a seat on sale can be clicked');
  await seats.nth(index).click({ force: true });
}

async function openSpa() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Every event as the page's own listener would see it, in order.
  await page.addInitScript(() => {
    window.__events = [];
    for (const name of ['ready', 'select', 'hold', 'expire', 'release', 'pay', 'paid', 'error']) {
      document.addEventListener(`ticket-widget:${name}`, (event) => {
        window.__events.push({ name, detail: event.detail, bubbled: event.bubbles && event.composed });
      });
    }
  });
  await page.goto(`${PAGES_URL}/spa.html`);
  return { page, errors };
}

test('SPA: ready, select, hold, pay and paid with their details; hold is read-only; open() and reset()', async () => {
  const { page, errors } = await openSpa();
  await page.locator('[data-testid=nav-tickets]').click();
  assert.match(page.url(), /view=tickets/, 'navigated with pushState');
  await eventsNamed(page, 'ready', 1);

  // open(): the date's seat map, announced as ready again.
  await page.locator('[data-testid=open-kremlin]').click();
  const ready = await eventsNamed(page, 'ready', 2);
  assert.deepEqual([ready[1].event, ready[1].show], ['qt:1001', '2001']);
  const seat = page.locator('ticket-widget [data-testid=hall] [data-testid=seat]:not([data-state])').first();
  await seat.waitFor({ timeout: 30_000 });
  const seatId = await seat.getAttribute('data-seat-id');
  await seat.click({ force: true });
  const [selected] = await eventsNamed(page, 'select', 1);
  assert.equal(selected.count, 1);
  assert.deepEqual(selected.seats.map((picked) => picked.id), [seatId]);
  assert.ok(selected.seats[0].zone && selected.seats[0].row && selected.seats[0].place, JSON.stringify(selected));
  assert.ok(selected.total.minor > 0 && selected.total.currency === 'RUB', JSON.stringify(selected.total));
  assert.match(await page.locator('[data-testid=host-cart]').innerText(), /^1 ticket/);

  await page.locator('ticket-widget [data-testid=reserve-button]').click();
  const [held] = await eventsNamed(page, 'hold', 1);
  assert.match(held.hold_id, /^h_[0-9a-f]{32}$/);
  assert.ok(Date.parse(held.expires_at) > Date.now(), held.expires_at);
  const hold = await page.evaluate(() => {
    const element = document.querySelector('ticket-widget');
    try { element.hold = null; } catch { /* a getter only */ }
    return element.hold;
  });
  assert.deepEqual(hold, { hold_id: held.hold_id, expires_at: held.expires_at }, 'hold is the current hold and read-only');

  await page.locator('ticket-widget [data-testid=buyer-name]').fill('Anna Ivanova');
  await page.locator('ticket-widget [data-testid=buyer-email]').fill('anna@example.com');
  await page.locator('ticket-widget [data-testid=buyer-phone]').fill('8 916 123-45-67');
  await page.locator('ticket-widget [data-testid=buyer-submit]').click();
  const [paying] = await eventsNamed(page, 'pay', 1);
  assert.equal(paying.hold_id, held.hold_id);
  const [paid] = await eventsNamed(page, 'paid', 1);
  assert.equal(paid.hold_id, held.hold_id);
  assert.equal(paid.tickets.length, 1);
  assert.ok(paid.tickets[0].barcode, JSON.stringify(paid.tickets[0]));
  assert.equal(
    await page.evaluate(() => document.querySelector('ticket-widget').hold),
    null,
    `no hold once paid; heard ${(await logged(page)).map((event) => event.name)}`,
  );

  // reset(): back to the start (the tickets put away); a hold given back by reset() is a release.
  await page.locator('[data-testid=reset]').click();
  await eventsNamed(page, 'ready', 3);
  const next = page.locator('ticket-widget [data-testid=hall] [data-testid=seat]:not([data-state])').nth(3);
  await next.waitFor({ timeout: 30_000 });
  await next.click({ force: true });
  await page.locator('ticket-widget [data-testid=reserve-button]').click();
  const [, second] = await eventsNamed(page, 'hold', 2);
  await page.locator('ticket-widget [data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=reset]').click();
  await eventsNamed(page, 'ready', 4);
  const [released] = await eventsNamed(page, 'release', 1);
  assert.equal(released.hold_id, second.hold_id);
  assert.ok(second.hold_id !== held.hold_id);
  assert.equal(await page.evaluate(() => document.querySelector('ticket-widget').hold), null);

  // An unknown event: the page hears the error's code.
  await page.evaluate(() => document.querySelector('ticket-widget').open({ event: 'qt:987654321' }));
  const [failed] = await eventsNamed(page, 'error', 1);
  assert.match(failed.code, /^[a-z_]+$/, JSON.stringify(failed));
  assert.ok((await logged(page)).every((event) => event.bubbled), 'every event bubbles out of the shadow root');
  assert.deepEqual(errors, []);
  await page.close();
});

test('SPA: removed and added again, two on one view, and the back button', async () => {
  const { page, errors } = await openSpa();
  await page.locator('[data-testid=nav-two]').click();
  const ready = await eventsNamed(page, 'ready', 2);
  assert.deepEqual(ready.map((detail) => detail.show).sort(), ['2001', '2003'], 'both widgets are ready');
  for (const index of [0, 1]) {
    // The widget's own map (the painted hall before it has no data-testid=hall).
    await page.locator('ticket-widget').nth(index).locator('[data-testid=hall] [data-testid=seat]:not([data-state])').first()
      .waitFor({ timeout: 30_000 });
  }
  // Picks in one do not show in the other.
  await pickASeat(page.locator('ticket-widget').nth(1));
  const [selected] = await eventsNamed(page, 'select', 1);
  assert.equal(selected.show_id, '2003');
  assert.equal(await page.locator('ticket-widget').nth(0).locator('[data-testid=seat][data-state=selected]').count(), 0);

  // Away (both removed) and back with the browser's button: a working widget again.
  await page.locator('[data-testid=nav-tickets]').click();
  await eventsNamed(page, 'ready', 3);
  await page.goBack();
  assert.match(page.url(), /view=two/);
  await eventsNamed(page, 'ready', 5);
  await pickASeat(page.locator('ticket-widget').nth(0));
  const selections = await eventsNamed(page, 'select', 2);
  assert.equal(selections.at(-1).show_id, '2001');
  assert.deepEqual(errors, []);
  await page.close();
});
