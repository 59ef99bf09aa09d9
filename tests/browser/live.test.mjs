// Live seats in Debian's Chromium, on the one-date partner page (the
// 2,000-seat QTickets hall): what one buyer takes or gives back changes for
// another viewer without a reload; a seat taken out of a buyer's selection is
// flagged before they reserve (on the picking stage, before the widget, too);
// a feed that cannot be reached leaves the page polling, and it still learns
// of taken seats; and what the widget does with
// the feed's documents (newest revision wins, `stale` shows a note), with the
// test standing in for the server at the browser's socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, fetchLayout, holdBack, proxyFetch, PAGES_URL, PROXY_URL, PARTNER_KEY, OUTPUT_DIR } from './browser.mjs';

const EVENT = 'qt:1001';
const SHOW = '2001';

let first;
let second;
before(async () => { [first, second] = await Promise.all([launchChromium(), launchChromium()]); });
after(async () => { await Promise.all([first?.close(), second?.close()]); });

/** Opens the hall; `feed` is the `data-live` state to wait for. Counts the page's availability reads. */
async function openHall(context, { feed = 'live', beforeLoad } = {}) {
  const page = await context.newPage();
  const availabilityReads = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith(`/shows/${SHOW}/availability`)) availabilityReads.push(Date.now());
  });
  if (beforeLoad) await beforeLoad(page);
  await page.goto(`${PAGES_URL}/one-date.html`);
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid=hall][data-live=${feed}]`).waitFor({ timeout: 15_000 });
  // Only survives if the page is never reloaded.
  await page.evaluate(() => { window.sameDocument = true; });
  return { page, availabilityReads };
}

const seat = (page, id) => page.locator(`[data-testid=seat][data-seat-id="${id}"]`);
// An available seat has no `data-state`.
const seatIn = (page, id, state) =>
  page.locator(`[data-testid=seat][data-seat-id="${id}"]${state === 'available' ? ':not([data-state])' : `[data-state=${state}]`}`);

async function availableSeatIds(page, indexes) {
  const available = page.locator('[data-testid=seat]:not([data-state])');
  const ids = [];
  for (const index of indexes) ids.push(await available.nth(index).getAttribute('data-seat-id'));
  return ids;
}

/** Someone else, straight through the proxy's API. */
async function holdSeats(seats, client) {
  const response = await proxyFetch(`${PROXY_URL}/v1/holds`, {
    method: 'POST',
    headers: { 'X-Partner-Key': PARTNER_KEY, 'Content-Type': 'application/json', 'CF-Connecting-IP': client },
    body: JSON.stringify({ event: EVENT, show: SHOW, seats, admission: {} }),
  });
  assert.equal(response.status, 201, 'the other buyer holds the seats');
  return (await response.json()).id;
}

async function releaseHold(holdId, client) {
  const response = await proxyFetch(`${PROXY_URL}/v1/holds/${holdId}`, {
    method: 'DELETE',
    headers: { 'X-Partner-Key': PARTNER_KEY, 'CF-Connecting-IP': client },
  });
  assert.equal(response.status, 200, 'released');
}

test('a seat one buyer reserves turns taken for another viewer, and free again when released, without a reload', async () => {
  const { page: viewer, availabilityReads } = await openHall(first);
  const { page: buyer } = await openHall(second);
  const [id] = await availableSeatIds(buyer, [120]);
  assert.equal(await seat(viewer, id).getAttribute('data-state'), null, 'available (no data-state)');
  const readsBefore = availabilityReads.length;

  await seat(buyer, id).click({ force: true });
  await buyer.locator('[data-testid=reserve-button]').click();
  await buyer.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await seatIn(viewer, id, 'unavailable').waitFor({ timeout: 15_000 });
  await viewer.screenshot({ path: join(OUTPUT_DIR, 'live-seat-taken.png'), fullPage: true });

  await buyer.locator('[data-testid=cancel-hold]').click();
  await seatIn(viewer, id, 'available').waitFor({ timeout: 15_000 });

  assert.equal(await viewer.evaluate(() => window.sameDocument), true, 'the viewer\'s page was not reloaded');
  assert.equal(await viewer.locator('[data-testid=hall]').getAttribute('data-live'), 'live');
  assert.equal(availabilityReads.length, readsBefore, 'the viewer learned it from the feed, not by reading the document again');
  await Promise.all([viewer.close(), buyer.close()]);
});

test('a seat in a buyer\'s selection that someone else takes is flagged, and reserve waits until they have seen it', async () => {
  const { page } = await openHall(first);
  const layout = await fetchLayout(EVENT, SHOW);
  const [kept, lost] = await availableSeatIds(page, [300, 301]);
  for (const id of [kept, lost]) await seat(page, id).click({ force: true });
  await seatIn(page, lost, 'selected').waitFor();

  const rivalHold = await holdSeats([lost], '198.51.100.77');
  await seatIn(page, lost, 'lost').waitFor({ timeout: 15_000 });
  assert.equal(await seat(page, kept).getAttribute('data-state'), 'selected', 'the rest of the choice is kept');
  assert.equal(await seat(page, lost).getAttribute('aria-disabled'), 'true');

  const taken = layout.seats.find((candidate) => candidate.id === lost);
  const line = page.locator(`[data-testid=selection-lost][data-seat-id="${lost}"]`);
  const text = await line.innerText();
  const zone = layout.zones[taken.zone].name;
  assert.ok(text.includes(`${zone}, ряд ${taken.row}, место ${taken.place}`), `names zone, row and place: ${text}`);
  assert.equal(
    await line.evaluate((element) => element.closest('[role=status]')?.getAttribute('aria-live')),
    'polite',
    'announced politely',
  );
  assert.equal(await page.locator('[data-testid=selection-seat]').count(), 1, 'only the kept seat is in the order');
  assert.equal(await page.locator('[data-testid=reserve-button]').isDisabled(), true, 'reserve waits');
  await page.screenshot({ path: join(OUTPUT_DIR, 'live-seat-lost.png'), fullPage: true });

  // Seen: dismissed; reserving now sends only the kept seat.
  await line.locator('button').click();
  const holdRequest = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/v1/holds'));
  await page.locator('[data-testid=reserve-button]').click();
  assert.deepEqual((await holdRequest).postDataJSON().seats, [kept]);
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=cancel-hold]').click();
  await releaseHold(rivalHold, '198.51.100.77');
  await page.close();
});

test('a seat picked on the painted hall that someone else takes before the widget arrives is flagged, not kept', async () => {
  const page = await first.newPage();
  const releaseWasm = await holdBack(page, '**/*.wasm');
  await page.goto(`${PAGES_URL}/one-date.html`);
  const painted = page.locator('.tw-painted [data-testid=seat]:not([data-state])');
  await painted.first().waitFor({ timeout: 30_000 });
  const [kept, lost] = await painted.evaluateAll((seats) => [520, 521].map((nth) => seats[nth].getAttribute('data-seat-id')));
  for (const id of [kept, lost]) await page.locator(`.tw-painted [data-seat-id="${id}"]`).click({ force: true });
  const rivalHold = await holdSeats([lost], '198.51.100.78');
  releaseWasm();

  await page.locator(`[data-testid=hall] [data-seat-id="${lost}"][data-state=lost]`).waitFor({ timeout: 30_000 });
  assert.equal(await seat(page, kept).getAttribute('data-state'), 'selected', 'the other early pick is kept');
  await page.locator(`[data-testid=selection-lost][data-seat-id="${lost}"]`).waitFor();
  const inOrder = await page.locator('[data-testid=selection-seat]').evaluateAll((lines) => lines.map((line) => line.dataset.seatId));
  assert.deepEqual(inOrder, [kept], 'only the kept seat is in the order');
  await releaseHold(rivalHold, '198.51.100.78');
  await page.close();
});

test('with only the picking stage up, seats others take turn taken live; a taken pick is listed lost, and stays so in the widget', async () => {
  const page = await first.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const releaseWidget = await holdBack(page, '**/ticket_widget_bg.wasm');
  // The stage's feed reaches the proxy; the widget's, later, reaches nothing (it stays
  // open and silent): what the widget shows at first is the document the stage had.
  let feeds = 0;
  await page.routeWebSocket(/\/live\?partner=/, (socket) => { feeds += 1; if (feeds === 1) socket.connectToServer(); });
  await page.goto(`${PAGES_URL}/one-date.html`);
  // The stage is up (its order is in the painted side column).
  await page.locator('.tw-painted [data-testid=selection-summary]').waitFor({ timeout: 30_000 });
  const painted = page.locator('.tw-painted [data-testid=seat]:not([data-state])');
  const [kept, lost, dismissed, other] = await painted.evaluateAll(
    (seats) => [540, 541, 542, 560].map((nth) => seats[nth].getAttribute('data-seat-id')));
  const onStage = (id, state) => page.locator(`.tw-painted [data-testid=seat][data-seat-id="${id}"][data-state=${state}]`);
  for (const id of [kept, lost, dismissed]) await page.locator(`.tw-painted [data-seat-id="${id}"]`).click({ force: true });
  await onStage(dismissed, 'selected').waitFor();
  const rivalHold = await holdSeats([lost, dismissed, other], '198.51.100.79');

  // The feed's document reaches the stage: a seat nobody here picked is drawn taken,
  // the two picks are lost, each with its line, and reserving waits.
  await onStage(other, 'unavailable').waitFor({ timeout: 10_000 });
  await onStage(lost, 'lost').waitFor({ timeout: 10_000 });
  assert.equal(await onStage(dismissed, 'lost').count(), 1);
  const lostLines = () => page.locator('.tw-painted [data-testid=selection-lost]')
    .evaluateAll((lines) => lines.map((line) => line.dataset.seatId));
  assert.deepEqual((await lostLines()).sort(), [lost, dismissed].sort());
  assert.deepEqual(await page.locator('.tw-painted [data-testid=selection-seat]').evaluateAll((lines) => lines.map((line) => line.dataset.seatId)), [kept]);
  assert.equal(await page.locator('.tw-painted [data-testid=reserve-button]').isDisabled(), true, 'not while a lost pick is unread');
  // The × on a lost line: read, gone; the seat shows taken.
  await page.locator(`.tw-painted [data-testid=selection-lost][data-seat-id="${dismissed}"] button`).click();
  await onStage(dismissed, 'unavailable').waitFor();
  assert.deepEqual(await lostLines(), [lost]);
  await page.screenshot({ path: join(OUTPUT_DIR, 'stage-live-lost.png') });

  releaseWidget();
  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  // At once, with no feed of its own: the stage's last document, not the older read.
  assert.equal(await seat(page, other).getAttribute('data-state'), 'unavailable', 'the widget starts from what the stage showed');
  assert.equal(feeds, 2, 'the widget opened its own feed');
  await page.locator(`[data-testid=hall] [data-seat-id="${lost}"][data-state=lost]`).waitFor({ timeout: 30_000 });
  assert.equal(await seat(page, kept).getAttribute('data-state'), 'selected', 'the kept pick is still picked');
  await page.locator(`[data-testid=hall] [data-testid=selection-lost][data-seat-id="${lost}"]`).waitFor();
  assert.equal(await page.locator(`[data-testid=selection-lost][data-seat-id="${dismissed}"]`).count(), 0, 'a lost line read on the stage stays read');
  assert.equal(await seat(page, other).getAttribute('data-state'), 'unavailable');
  assert.deepEqual(errors, [], 'no script errors');
  await releaseHold(rivalHold, '198.51.100.79');
  await page.close();
});

test('with the live feed unreachable, the hall polls and still learns of a taken seat', async () => {
  // Every socket the page opens goes to a closed port: what a refused or
  // blocked feed looks like to a browser.
  const unreachable = (page) => page.addInitScript(() => {
    const BrowserWebSocket = window.WebSocket;
    window.WebSocket = class extends BrowserWebSocket {
      constructor(_url, protocols) { super('ws://127.0.0.1:9/unreachable', protocols); }
    };
  });
  const { page, availabilityReads } = await openHall(first, { feed: 'polling', beforeLoad: unreachable });
  const [id] = await availableSeatIds(page, [500]);
  const rivalHold = await holdSeats([id], '198.51.100.78');
  await seatIn(page, id, 'unavailable').waitFor({ timeout: 30_000 });
  assert.ok(availabilityReads.length >= 2, `the document was read again (${availabilityReads.length} reads)`);
  assert.equal(await page.locator('[data-testid=hall]').getAttribute('data-live'), 'polling');
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'not reloaded');
  await releaseHold(rivalHold, '198.51.100.78');
  await page.close();
});

test('the widget keeps the newest document, ignores an older one, and says when availability may be out of date', async () => {
  const layout = await fetchLayout(EVENT, SHOW);
  const current = await (await proxyFetch(`${PROXY_URL}/v1/events/${EVENT}/shows/${SHOW}/availability`, {
    headers: { 'X-Partner-Key': PARTNER_KEY }, cache: 'no-store',
  })).json();
  const bits = Buffer.from(current.seats_available, 'hex');
  const isFree = (position) => (bits[position >> 3] >> (7 - (position & 7))) & 1;
  const [firstIndex, secondIndex] = layout.seats.map((_, position) => position).filter(isFree).slice(700, 702);
  const [firstId, secondId] = [firstIndex, secondIndex].map((position) => layout.seats[position].id);
  /** The current document with the seats at `taken` (layout positions) taken. */
  const message = (revision, taken, stale) => {
    const copy = Buffer.from(bits);
    for (const position of taken) copy[position >> 3] &= ~(0x80 >> (position & 7));
    return JSON.stringify({ type: 'availability', ...current, revision, stale, seats_available: copy.toString('hex') });
  };

  // The test is the server: the page's feed socket ends here.
  let server;
  let feedOpened;
  const opened = new Promise((resolve) => { feedOpened = resolve; });
  const { page } = await openHall(first, {
    beforeLoad: (page) => page.routeWebSocket(/\/live\?partner=/, (socket) => { server = socket; feedOpened(); }),
  });
  await opened;
  const base = Math.max(current.revision ?? 0, Date.now());
  const note = page.locator('[data-testid=availability-stale]');

  server.send(message(base + 1, [], true));
  await note.waitFor({ timeout: 10_000 });
  assert.match(await note.innerText(), /устаревшими/);

  server.send(message(base + 2, [firstIndex], true));
  await seatIn(page, firstId, 'unavailable').waitFor({ timeout: 10_000 });
  // An older document (an HTTP answer that lost the race) changes nothing;
  // the next one shows that it was read, in order, and ignored.
  server.send(message(base + 1, [], false));
  server.send('pong');
  server.send(message(base + 3, [firstIndex, secondIndex], true));
  await seatIn(page, secondId, 'unavailable').waitFor({ timeout: 10_000 });
  assert.equal(await seat(page, firstId).getAttribute('data-state'), 'unavailable', 'the older document was not shown');
  assert.equal(await note.isVisible(), true, 'still the stale copy');

  server.send(message(base + 4, [], false));
  await note.waitFor({ state: 'hidden', timeout: 10_000 });
  await seatIn(page, firstId, 'available').waitFor({ timeout: 10_000 });
  await page.close();
});
