// A buyer with a keyboard only (Tab, arrows, Enter, Space, Escape, typing),
// as a screen reader user moves: from the event list to barcodes on a
// QTickets event. Along the way it checks what assistive technology gets:
// focus on each new screen's heading, the focused seat's accessible name
// (zone, row, place, price, state), the widget's polite live region saying
// each pick, the hold and the tickets, and the seat list as the plan's
// alternative. No mouse, no clicks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, proxyFetch, OUTPUT_DIR, PAGES_URL, PARTNER_KEY, PROXY_URL } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** What has focus, through the widget's shadow root. */
async function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return null;
    return {
      tag: element.tagName.toLowerCase(),
      testId: element.getAttribute('data-testid'),
      eventId: element.getAttribute('data-event-id'),
      showId: element.getAttribute('data-show-id'),
      seatId: element.getAttribute('data-seat-id'),
      role: element.getAttribute('role'),
      label: element.getAttribute('aria-label'),
      state: element.getAttribute('data-state') ?? (element.getAttribute('data-testid') === 'seat' ? 'available' : null),
      screenHeading: element.hasAttribute('data-screen-heading'),
      text: element.textContent.trim().slice(0, 80),
    };
  });
}

/** Presses Tab (or `key`) until `wanted(focused)` holds; fails naming what it passed. */
async function tabTo(page, wanted, description, limit = 40, key = 'Tab') {
  const passed = [];
  for (let step = 0; step < limit; step += 1) {
    await page.keyboard.press(key);
    const now = await focused(page);
    if (now && wanted(now)) return now;
    passed.push(now && `${now.tag}[${now.testId ?? ''}] ${now.label ?? now.text}`);
  }
  throw new Error(`${key} never reached ${description}; passed: ${JSON.stringify(passed)}`);
}

/** Waits until focus is somewhere `wanted` holds (no key pressed). */
async function focusReaches(page, wanted, description) {
  for (let look = 0; look < 60; look += 1) {
    const now = await focused(page);
    if (now && wanted(now)) return now;
    await page.waitForTimeout(50);
  }
  throw new Error(`focus is not on ${description}: ${JSON.stringify(await focused(page))}`);
}

/** Presses `key` and waits until focus is somewhere `wanted` holds. */
async function pressAndFocus(page, key, wanted, description) {
  await page.keyboard.press(key);
  return focusReaches(page, wanted, `${description} after ${key}`);
}

/** Waits until the widget's live region says something matching `pattern`. */
async function announced(page, pattern) {
  const region = page.locator('[data-testid=announcer]');
  for (let look = 0; look < 100; look += 1) {
    const text = (await region.textContent()) ?? '';
    if (pattern.test(text)) return text;
    await page.waitForTimeout(50);
  }
  throw new Error(`the live region never said ${pattern}: ${JSON.stringify(await region.textContent())}`);
}

// "Партер, ряд 5, место 12, 3 500 ₽, свободно"
const SEAT_NAME = /^(.+), ряд (\S+), место (\S+), ([\d\s\u00a0\u202f]+(?:,\d+)?\s*₽|бесплатно), (свободно|выбрано|занято)$/;
const seatName = (label) => {
  const match = SEAT_NAME.exec(label ?? '');
  assert.ok(match, `a seat's name says zone, row, place, price and state: ${JSON.stringify(label)}`);
  return { zone: match[1], row: match[2], place: match[3], state: match[5] };
};
const isSeat = (now) => now.testId === 'seat';

test('keyboard only: event list → hall → seats (plan and list) → hold → buyer → barcodes', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // (A missing favicon is the partner page's business.)
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  after(() => { if (errors.length) console.log('page errors:', errors); });
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  const region = page.locator('[data-testid=announcer]');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  assert.equal(await region.getAttribute('role'), 'status');

  // The event list: Tab to the QTickets event, Enter.
  await tabTo(page, (now) => now.eventId === 'qt:1001', 'the QTickets event card');
  await page.keyboard.press('Enter');
  let now = await focusReaches(page, (seen) => seen.screenHeading, 'the new screen\'s heading');
  assert.equal(now.tag, 'h2', 'the event\'s title takes focus');
  if (await page.locator('[data-testid=show-button]').count()) {
    await tabTo(page, (seen) => seen.showId === '2001', 'the date 2001');
    await page.keyboard.press('Enter');
    now = await focusReaches(page, (seen) => seen.screenHeading && seen.tag === 'h2', 'the hall\'s heading');
  }
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });

  // The plan is one tab stop, and Tab lands on a free seat.
  const plan = page.locator('[data-testid=seat-map]');
  now = await tabTo(page, isSeat, 'a seat of the plan');
  assert.equal(now.role, 'button');
  let seat = seatName(now.label);
  assert.equal(seat.state, 'свободно', 'the plan starts on a free seat');
  assert.match(await plan.ariaSnapshot(), /- group "Схема зала"[\s\S]*- button "[^"]+, ряд \S+, место \S+, [^"]+, свободно"/,
    'the accessibility tree names the focused seat inside the plan');
  assert.equal(await page.locator('[data-testid=seat][tabindex="0"]').count(), 1, 'one seat is the tab stop');
  assert.equal(await page.locator('.tw-focus-ring[data-shown=true]').count(), 1, 'the focus ring is drawn');

  // Arrows move along the row and between rows; Home / End go to the row's ends.
  const start = seat;
  now = await pressAndFocus(page, 'ArrowRight', (seen) => isSeat(seen) && seen.seatId !== null, 'the next seat');
  seat = seatName(now.label);
  assert.equal(seat.row, start.row, 'ArrowRight stays in the row');
  assert.notEqual(seat.place, start.place);
  const rowStart = seatName((await pressAndFocus(page, 'Home', isSeat, 'a seat')).label);
  const rowEnd = seatName((await pressAndFocus(page, 'End', isSeat, 'a seat')).label);
  assert.equal(rowStart.row, start.row);
  assert.equal(rowEnd.row, start.row);
  assert.notEqual(rowEnd.place, rowStart.place, 'Home and End are the two ends of the row');
  const below = seatName((await pressAndFocus(page, 'ArrowDown', isSeat, 'a seat')).label);
  assert.notEqual(below.row, start.row, 'ArrowDown goes to another row');
  const nextZone = seatName((await pressAndFocus(page, 'PageDown', isSeat, 'a seat')).label);
  assert.notEqual(nextZone.zone, below.zone, 'Page Down goes to another zone');
  await pressAndFocus(page, 'PageUp', isSeat, 'a seat');
  await pressAndFocus(page, 'ArrowUp', isSeat, 'a seat');

  // Find a free seat and pick it with Space, then another with Enter.
  const pickNextFree = async (key) => {
    for (let step = 0; step < 60; step += 1) {
      const here = await focused(page);
      if (seatName(here.label).state === 'свободно') {
        await page.keyboard.press(key);
        return here;
      }
      await pressAndFocus(page, 'ArrowRight', isSeat, 'a seat');
    }
    throw new Error('no free seat within 60 steps');
  };
  const first = await pickNextFree(' ');
  assert.match(await announced(page, /^Выбрано: .*ряд .*место .*\. В заказе 1 билет на /), new RegExp(`место ${seatName(first.label).place}\\.`));
  assert.equal(await page.locator(`[data-testid=seat][data-seat-id="${first.seatId}"]`).getAttribute('data-state'), 'selected');
  assert.equal(seatName((await focused(page)).label).state, 'выбрано', 'the focused seat\'s name follows its state');
  await pressAndFocus(page, 'ArrowRight', isSeat, 'a seat');
  const second = await pickNextFree('Enter');
  await announced(page, /^Выбрано: .*\. В заказе 2 билета на /);
  assert.notEqual(second.seatId, first.seatId);

  // Zoomed in (+ zooms around the focused seat), the view follows focus far across the hall.
  const focusedSeatInView = () => page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const seatBox = element.getBoundingClientRect();
    const mapBox = element.ownerSVGElement.getBoundingClientRect();
    return seatBox.left >= mapBox.left && seatBox.right <= mapBox.right && seatBox.top >= mapBox.top && seatBox.bottom <= mapBox.bottom;
  });
  const wholeHall = await plan.getAttribute('viewBox');
  for (const key of ['+', '+', '+']) await page.keyboard.press(key);
  const zoomed = await plan.getAttribute('viewBox');
  assert.notEqual(zoomed, wholeHall, '+ zooms in');
  assert.equal(await focusedSeatInView(), true, 'zoomed around the focused seat');
  for (const key of ['PageDown', 'PageDown', 'End']) {
    await pressAndFocus(page, key, isSeat, 'a seat');
    assert.equal(await focusedSeatInView(), true, `after ${key} the focused seat is in view`);
  }
  assert.notEqual(await plan.getAttribute('viewBox'), zoomed, 'the view moved with the focus');
  assert.equal(await page.locator('.tw-focus-ring[data-shown=true]').count(), 1);
  await page.locator('.tw-map').screenshot({ path: join(OUTPUT_DIR, 'keyboard-focus-ring.png') });
  await page.keyboard.press('0');
  assert.equal(await plan.getAttribute('viewBox'), wholeHall, '0 shows the whole hall again');

  // Escape leaves the plan for the next control: the seat list.
  now = await pressAndFocus(page, 'Escape', (seen) => !isSeat(seen), 'the control after the plan');
  assert.equal(now.testId, 'seat-list-toggle');
  assert.equal(await page.locator('.tw-focus-ring[data-shown=true]').count(), 0, 'no ring once focus has left');

  // The seat list: zone → row → free places, picked with the keyboard too.
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=seat-list]').waitFor();
  const zone = await tabTo(page, (seen) => seen.testId === 'seat-list-zone' && /свободно [1-9]/.test(seen.text),
    'a zone of the seat list with free places');
  await page.keyboard.press('Enter');
  const place = await tabTo(page, (seen) => seen.testId === 'seat-list-place' && seen.seatId !== first.seatId && seen.seatId !== second.seatId,
    'a free place in the list');
  assert.match(place.label, /^.+, ряд \S+, место \S+, .+₽$/, 'a place button says zone, row, place and price');
  await page.keyboard.press('Space');
  await announced(page, /^Выбрано: .*\. В заказе 3 билета на /);
  assert.equal(await page.locator(`[data-testid=seat-list-place][data-seat-id="${place.seatId}"]`).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator(`[data-testid=seat][data-seat-id="${place.seatId}"]`).getAttribute('data-state'), 'selected',
    'a place picked in the list is picked on the plan');
  // Someone else takes a place listed next to it: it leaves the list, focus stays put.
  const rivalSeat = await page.locator('[data-testid=seat-list-place][aria-pressed=false]').evaluateAll(
    (buttons, focusedId) => buttons.filter((button) => !button.closest('[hidden]'))
      .map((button) => button.dataset.seatId).find((id) => id !== focusedId), place.seatId);
  const rival = await proxyFetch(`${PROXY_URL}/v1/holds`, {
    method: 'POST',
    headers: { 'X-Partner-Key': PARTNER_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ event: 'qt:1001', show: '2001', seats: [rivalSeat], admission: {} }),
  });
  assert.equal(rival.status, 201, 'someone else holds a listed place');
  await page.locator(`[data-testid=seat-list-place][data-seat-id="${rivalSeat}"]`).waitFor({ state: 'hidden', timeout: 15_000 });
  assert.equal((await focused(page)).seatId, place.seatId, 'focus stayed on the buyer\'s place while the list changed');
  const released = await proxyFetch(`${PROXY_URL}/v1/holds/${(await rival.json()).id}`, { method: 'DELETE', headers: { 'X-Partner-Key': PARTNER_KEY } });
  assert.equal(released.status, 200);

  // Back to the zone, closed again; on to "reserve".
  await tabTo(page, (seen) => seen.testId === 'seat-list-zone', 'the zone again', 40, 'Shift+Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('[data-testid=seat-list-place]').count(), 0, 'the zone is closed');
  await page.screenshot({ path: join(OUTPUT_DIR, 'keyboard-hall.png'), fullPage: true });

  // Reserve; the checkout's form heading takes focus; the hold is said.
  await tabTo(page, (seen) => seen.testId === 'reserve-button', 'the reserve button');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await announced(page, /^Места забронированы, бронь действует ещё \d+:\d\d\./);
  now = await focusReaches(page, (seen) => seen.screenHeading, 'the checkout\'s heading');
  assert.equal(now.text, 'Данные покупателя');
  // The test stack's holds are short: the countdown's last-minute warning is in its live region.
  const warning = page.locator('[data-testid=hold-timer-warning]');
  assert.equal(await warning.getAttribute('role'), 'status');
  assert.match(await warning.textContent(), /меньше минуты/);

  // The buyer's details, typed; Enter submits; the partner page pays.
  await tabTo(page, (seen) => seen.testId === 'buyer-name', 'the name input');
  await page.keyboard.type('Анна Иванова');
  await tabTo(page, (seen) => seen.testId === 'buyer-email', 'the e-mail input', 3);
  await page.keyboard.type('anna@example.ru');
  await tabTo(page, (seen) => seen.testId === 'buyer-phone', 'the phone input', 3);
  await page.keyboard.type('8 916 123-45-67');
  await page.keyboard.press('Enter');

  await page.locator('[data-testid=ticket-card]').nth(2).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=ticket-card]').count(), 3);
  const bars = await page.locator('[data-testid=barcode]').evaluateAll((svgs) => svgs.map((svg) => svg.querySelectorAll('rect').length));
  assert.equal(bars.length, 3);
  assert.ok(bars.every((count) => count > 10), `barcodes drawn as bars: ${bars}`);
  await announced(page, /^Оплата прошла\. Ваши билеты: 3 билета\./);
  now = await focusReaches(page, (seen) => seen.screenHeading, 'the tickets\' heading');
  assert.equal(now.text, 'Ваши билеты');
  await page.screenshot({ path: join(OUTPUT_DIR, 'keyboard-tickets.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});
