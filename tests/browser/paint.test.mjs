// The hall painted at the edge, in Debian's Chromium, on the one-date partner
// page: seen before (and without) the wasm with the right seats taken, then
// adopted by the widget — the very same circles, one per seat, clickable, and
// the map looking exactly as it did.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { launchChromium, fetchLayout, holdBack, PAGES_URL, PARTNER_BACKEND_URL, PROXY_URL, PARTNER_KEY, OUTPUT_DIR } from './browser.mjs';

const EVENT = 'qt:1001';
const SHOW = '2001';

let browser;
let layout;
before(async () => {
  browser = await launchChromium();
  layout = await fetchLayout(EVENT, SHOW);
});
after(async () => { await browser?.close(); });

/** Availability bits (hex, one bit per layout seat) as one flag per seat. */
function onSale(hex) {
  return layout.seats.map((_, index) => (parseInt(hex.substr((index >> 3) * 2, 2), 16) & (0x80 >> (index & 7))) !== 0);
}

/** Clicks the `nth` seat on sale: it turns selected and the order summary lists it. */
async function picksASeat(page, nth) {
  const seat = page.locator('[data-testid=seat]:not([data-state])').nth(nth);
  const seatId = await seat.getAttribute('data-seat-id');
  await seat.click({ force: true });
  await page.locator(`[data-testid=seat][data-seat-id="${seatId}"][data-state=selected]`).waitFor();
  await page.locator('[data-testid=selection-seat]').first().waitFor();
}

/** The state of every seat circle under `selector`, in document order (an available seat has no `data-state`). */
function statesOf(page, selector) {
  return page.locator(selector).evaluateAll((circles) => circles.map((circle) => circle.getAttribute('data-state') ?? 'available'));
}

test('without the wasm the painted hall is on screen, its taken seats taken, from the one paint request', async () => {
  const page = await browser.newPage();
  // When the painted hall goes into the widget's shadow root (wall clock, as the requests below).
  await page.addInitScript(() => {
    const insertBefore = ShadowRoot.prototype.insertBefore;
    ShadowRoot.prototype.insertBefore = function (node, ...rest) {
      if (node.classList && node.classList.contains('tw-painted')) window.__paintedAt = Date.now();
      return insertBefore.call(this, node, ...rest);
    };
  });
  const asked = [];
  page.on('request', (request) => asked.push({ url: request.url(), at: Date.now() }));
  // Chromium's own priority of each request (what it weighs on a shared line).
  const priorities = new Map();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', ({ request }) => priorities.set(request.url.replace(/\?.*$/, ''), request.initialPriority));
  await page.route('**/*.wasm', (route) => route.abort());
  // The paint's own headers carry the availability: the document is not needed.
  await page.route('**/availability?*', (route) => route.abort());
  // The bits the paint carried (holds other tests made may end meanwhile: compare with what the page was shown).
  let bits = null;
  page.on('response', (response) => {
    if (/\/paint\?/.test(response.url())) bits = response.headers()['availability-bits'] ?? bits;
  });
  await page.goto(`${PAGES_URL}/one-date.html`);
  const painted = page.locator('.tw-painted [data-testid=seat]');
  await painted.first().waitFor({ timeout: 30_000 });
  assert.equal(await painted.count(), layout.seats.length, 'every seat is painted');
  assert.ok(bits, 'the paint carried its availability');
  const expected = onSale(bits).map((free) => (free ? 'available' : 'unavailable'));
  assert.ok(expected.includes('unavailable') && expected.includes('available'), 'the hall has both kinds');
  assert.deepEqual(await statesOf(page, '.tw-painted [data-testid=seat]'), expected, 'taken seats painted taken');
  assert.equal(
    await page.locator('.tw-painted [data-testid=seat][data-state=unavailable][aria-disabled=true]').count(),
    expected.filter((state) => state === 'unavailable').length,
  );
  // Seen, not just present: the map has a size and a seat is drawn in it.
  const box = await painted.first().boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, `a painted seat has a size: ${JSON.stringify(box)}`);
  await page.screenshot({ path: join(OUTPUT_DIR, 'painted-without-wasm.png') });
  // The first frame comes first: the widget's reads are asked for only once
  // the painted hall is in; the wasm beside the drawing, at a lower priority.
  await page.waitForFunction(() => window.__paintedAt);
  const paintedAt = await page.evaluate(() => window.__paintedAt);
  const later = asked.filter(({ url }) => /\/layout\?|\/v1\/events\?/.test(url));
  assert.equal(later.length, 2, `the layout and the events were read: ${asked.map((r) => r.url)}`);
  for (const { url, at } of later) assert.ok(at >= paintedAt, `${url} asked for ${paintedAt - at} ms before the paint was in`);
  const wasm = [...priorities].find(([url]) => url.endsWith('.wasm'));
  const paint = [...priorities].find(([url]) => url.endsWith('/paint'));
  assert.ok(wasm && paint, `the wasm and the paint were asked for: ${[...priorities.keys()]}`);
  const rank = ['VeryLow', 'Low', 'Medium', 'High', 'VeryHigh'];
  assert.ok(rank.indexOf(wasm[1]) < rank.indexOf(paint[1]), `the wasm (${wasm[1]}) below the paint (${paint[1]})`);
  // With no widget coming, the hall is read-only: a click picks nothing.
  await page.locator('[data-testid=widget-load-error]').waitFor();
  const seat = page.locator('.tw-painted [data-testid=seat]:not([data-state])').first();
  const seatId = await seat.getAttribute('data-seat-id');
  await seat.click({ force: true });
  assert.equal(await page.locator(`.tw-painted [data-seat-id="${seatId}"]`).getAttribute('data-state'), null, 'still available');
  await page.close();
});

test('a paint without its availability headers waits for the availability document instead', async () => {
  const page = await browser.newPage();
  await page.route('**/*.wasm', (route) => route.abort());
  await page.route('**/paint?*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    for (const name of Object.keys(headers)) if (name.startsWith('availability-')) delete headers[name];
    await route.fulfill({ response, headers });
  });
  // The document the page got (holds other tests made may end meanwhile: compare with what it was shown).
  let served = null;
  await page.route('**/availability?*', async (route) => {
    const response = await route.fetch();
    served = await response.json();
    await route.fulfill({ response });
  });
  await page.goto(`${PAGES_URL}/one-date.html`);
  await page.locator('.tw-painted [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.ok(served, 'the availability document was read');
  const expected = onSale(served.seats_available).map((free) => (free ? 'available' : 'unavailable'));
  assert.deepEqual(await statesOf(page, '.tw-painted [data-testid=seat]'), expected, 'taken seats painted taken');
  await page.close();
});

test('the widget adopts the painted seats: the same nodes, one circle per seat, clicks work, nothing looks different', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The wasm waits until the painted hall has been looked at.
  const releaseWasm = await holdBack(page, '**/*.wasm');
  await page.goto(`${PAGES_URL}/one-date.html`);
  await page.locator('.tw-painted [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  const paintedMap = await page.locator('.tw-painted .tw-map').screenshot();
  const looks = (scope) => page.locator(`${scope} .tw-map`).first().evaluate((map) => {
    const svg = map.querySelector('svg');
    const box = map.getBoundingClientRect();
    const seat = svg.querySelector('[data-testid=seat]:not([data-state])');
    const taken = svg.querySelector('[data-testid=seat][data-state=unavailable]');
    const style = (circle) => { const s = getComputedStyle(circle); return [s.fill, s.stroke, s.transform, s.r]; };
    return {
      size: [box.width, box.height],
      // Where the map is: the widget's header takes the stand-in's place without moving it.
      top: Math.round(box.top),
      viewBox: svg.getAttribute('viewBox'),
      aspect: svg.getAttribute('preserveAspectRatio'),
      labels: [...svg.querySelectorAll('.tw-labels text')].map((text) => text.outerHTML),
      available: style(seat),
      taken: style(taken),
    };
  });
  const paintedLooks = await looks('.tw-painted');
  // A buyer clicks a seat before the widget is there: it shows picked at
  // once, and stays picked when the widget takes over. A second click puts
  // a seat back; a finger's tap picks nothing (on a phone it will zoom).
  const paintedSeat = (id) => page.locator(`.tw-painted [data-testid=seat][data-seat-id="${id}"]`);
  const [earlyId, backId, tapId] = await page.locator('.tw-painted [data-testid=seat]:not([data-state])')
    .evaluateAll((seats) => [10, 40, 70].map((nth) => seats[nth].getAttribute('data-seat-id')));
  await paintedSeat(earlyId).click({ force: true });
  assert.equal(await paintedSeat(earlyId).getAttribute('data-state'), 'selected', 'picked at once, before the wasm');
  await paintedSeat(backId).click({ force: true });
  await paintedSeat(backId).click({ force: true });
  assert.equal(await paintedSeat(backId).getAttribute('data-state'), null, 'clicked twice: put back');
  await paintedSeat(tapId).evaluate((seat) => {
    seat.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
    seat.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
  });
  assert.equal(await paintedSeat(tapId).getAttribute('data-state'), null, 'a tap picks nothing yet');
  const paintedStates = await statesOf(page, '.tw-painted [data-testid=seat]');
  // Mark the painted nodes themselves (an expando the markup cannot carry).
  await page.locator('.tw-painted [data-testid=seat]').evaluateAll((circles) => {
    circles.forEach((circle) => { circle.paintedByTheEdge = true; });
  });
  releaseWasm();

  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.tw-painted').count(), 0, 'the paint gave way to the widget');
  const seats = page.locator('[data-testid=seat]');
  assert.equal(await seats.count(), layout.seats.length, 'exactly one circle per seat');
  const adopted = await seats.evaluateAll((circles) => circles.filter((circle) => circle.paintedByTheEdge === true).length);
  assert.equal(adopted, layout.seats.length, 'the circles on screen are the painted ones, not a second build');
  // The early pick is the widget's: its order summary lists that seat alone.
  await page.locator('[data-testid=selection-seat]').first().waitFor({ timeout: 10_000 });
  const listed = await page.locator('[data-testid=selection-seat]').evaluateAll((lines) => lines.map((line) => line.dataset.seatId));
  assert.deepEqual(listed, [earlyId], 'the summary lists the early seat alone');
  assert.deepEqual(await statesOf(page, '[data-testid=seat]'), paintedStates, 'every seat as painted, the early pick too');
  // The same nodes in a map of the same size, view and styles: nothing a
  // buyer sees changes (screenshots of both in test-output/ for a person;
  // pixels are not compared: the map moves to another sub-pixel offset).
  assert.deepEqual(await looks('[data-testid=hall]'), paintedLooks, 'the map looks as it did');
  writeFileSync(join(OUTPUT_DIR, 'painted-map.png'), paintedMap);
  writeFileSync(join(OUTPUT_DIR, 'adopted-map.png'), await page.locator('.tw-map').screenshot());

  // And it is the widget's now: a click selects, the summary counts it.
  await picksASeat(page, 25);
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

/** The painted boxes' markup with the seats' states left out (they change with sales between two loads). */
function paintedMarkup(page) {
  return page.locator('.tw-painted').first().evaluate((box) =>
    box.outerHTML.replace(/ data-state="[a-z]+"| aria-disabled="true"/g, ''));
}

test('a page whose server put the first frame in shows the hall before any script runs, the same boxes the loader paints', async () => {
  const page = await browser.newPage();
  // No script from the proxy at all: the hall is in the page's own HTML.
  await page.route('**/widget.js', (route) => route.abort());
  const asked = [];
  page.on('request', (request) => asked.push(request.url()));
  const response = await page.goto(`${PARTNER_BACKEND_URL}/included.html`, { waitUntil: 'domcontentloaded' });
  const html = await response.text();
  const painted = page.locator('ticket-widget .tw-painted [data-testid=seat]');
  assert.equal(await painted.count(), layout.seats.length, 'every seat is in the page as parsed');
  const box = await painted.first().boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, `a painted seat has a size (its stylesheet is inline): ${JSON.stringify(box)}`);
  const fill = await painted.first().evaluate((circle) => getComputedStyle(circle).fill);
  assert.notEqual(fill, 'rgb(0, 0, 0)', 'styled, not the default black');
  // The taken seats as the page's server was told (the template in its HTML).
  assert.ok(html && html.includes('<template shadowrootmode="open">'), 'the frame came in the page');
  const served = [...html.matchAll(/<circle [^>]*>/g)].map(([circle]) => /data-state="([a-z]+)"/.exec(circle)?.[1] ?? 'available');
  const states = await statesOf(page, 'ticket-widget .tw-painted [data-testid=seat]');
  assert.deepEqual(states, served);
  assert.ok(states.includes('unavailable') && states.includes('available'), 'the hall has both kinds');
  assert.ok(!asked.some((url) => /\/(paint|first-frame|layout|availability)\?/.test(url)), `the browser read nothing for it: ${asked}`);
  const included = await paintedMarkup(page);
  await page.screenshot({ path: join(OUTPUT_DIR, 'included-without-script.png') });
  await page.close();

  // The loader's own paint of the same hall: the very same markup (apart from
  // which seats are taken by now).
  const loaderPage = await browser.newPage();
  await loaderPage.route('**/*.wasm', (route) => route.abort());
  await loaderPage.goto(`${PAGES_URL}/one-date.html`);
  await loaderPage.locator('.tw-painted [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  const loaderMarkup = await paintedMarkup(loaderPage);
  assert.equal(included.replace(/<style>[^]*?<\/style>/, ''), loaderMarkup, 'the included boxes are the ones the loader makes');
  await loaderPage.close();
});

for (const [where, path] of [
  ['async in <head>', 'included.html'],
  ['in <head> without async, run before the element is parsed', 'included.html?loader=blocking'],
  ['after the element', 'included.html?loader=end'],
]) test(`the widget adopts a first frame its page came with (the loader ${where}): no paint request, the same circles, clicks work`, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const asked = [];
  page.on('request', (request) => asked.push(request.url()));
  await page.addInitScript(() => {
    // Mark the parsed circles before the loader runs (an expando the markup cannot carry).
    document.addEventListener('DOMContentLoaded', () => {
      const root = document.querySelector('ticket-widget').shadowRoot;
      root.querySelectorAll('.tw-painted [data-testid=seat]').forEach((circle) => { circle.parsedWithThePage = true; });
    });
  });
  await page.goto(`${PARTNER_BACKEND_URL}/${path}`);
  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.tw-painted').count(), 0, 'the frame gave way to the widget');
  const seats = page.locator('[data-testid=seat]');
  assert.equal(await seats.count(), layout.seats.length, 'exactly one circle per seat');
  const adopted = await seats.evaluateAll((circles) => circles.filter((circle) => circle.parsedWithThePage === true).length);
  assert.equal(adopted, layout.seats.length, 'the circles on screen are the ones parsed with the page');
  assert.ok(!asked.some((url) => /\/paint\?/.test(url)), 'the loader did not fetch a paint');
  await picksASeat(page, 7);
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('a first frame still streaming in when the loader runs is taken once it is whole: the stage, then the widget, on every seat', async () => {
  // A partner page sent in two parts, the loader's tag above the element:
  // the loader runs while only half the frame's seats have arrived.
  const frame = await (await fetch(`${PROXY_URL}/v1/events/${EVENT}/shows/${SHOW}/first-frame?partner=${PARTNER_KEY}&lang=ru`)).text();
  const half = frame.indexOf('<circle', Math.floor(frame.length / 2));
  let loaderAsked;
  const loaderRan = new Promise((resolve) => { loaderAsked = resolve; });
  const server = createServer(async (request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.write(`<!doctype html><html><head><meta charset="utf-8"><script src="${PROXY_URL}/widget.js" async></script></head>
<body><ticket-widget partner="${PARTNER_KEY}" lang="ru" event="${EVENT}" show="${SHOW}">${frame.slice(0, half)}`);
    await loaderRan;
    await new Promise((resolve) => setTimeout(resolve, 500));
    response.end(`${frame.slice(half)}</ticket-widget></body></html>`);
  });
  await new Promise((resolve) => server.listen(8089, '127.0.0.1', resolve));
  const page = await browser.newPage();
  const warnings = [];
  page.on('console', (message) => { if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text()); });
  page.on('requestfinished', (request) => { if (request.url().endsWith('/widget.js')) loaderAsked(); });
  const releaseWidget = await holdBack(page, '**/ticket_widget_bg.wasm');
  try {
    await page.goto('http://127.0.0.1:8089/', { waitUntil: 'commit' });
    // The stage on the whole frame: it lists a pick, then the widget takes all the seats over.
    await page.locator('.tw-painted [data-testid=selection-summary]').waitFor({ timeout: 30_000 });
    const [id] = await page.locator('.tw-painted [data-testid=seat]:not([data-state])')
      .evaluateAll((seats) => [seats[seats.length - 5].getAttribute('data-seat-id')]);
    await page.locator(`.tw-painted [data-seat-id="${id}"]`).click({ force: true });
    await page.locator(`.tw-painted [data-testid=selection-seat][data-seat-id="${id}"]`).waitFor();
    releaseWidget();
    await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid=seat]').count(), layout.seats.length, 'exactly one circle per seat');
    await page.locator(`[data-testid=hall] [data-testid=selection-seat][data-seat-id="${id}"]`).waitFor();
    assert.deepEqual(warnings.filter((text) => /ticket-widget/.test(text)), [], 'neither the stage nor the widget complained');
  } finally {
    releaseWidget();
    await page.close();
    server.close();
  }
});
