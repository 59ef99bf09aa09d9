// The picking stage (pick/: the hall's picking without Leptos, a tenth of the
// widget's size) in Debian's Chromium, on the one-date partner page: with the
// widget's own wasm held back, a buyer picks seats on the painted hall, sees
// each seat's bubble and the order with its total (said in a live region),
// and can walk the plan with the keys (axe finds nothing serious); when the
// widget arrives it takes the picks, the keyboard's place and the order over
// unchanged, and a "reserve" pressed meanwhile is done.
// On a 360-px touch phone the stage's first tap zooms (seats then at least
// 24 CSS px), the next picks, a "whole hall" button leads back out, and the
// widget arriving keeps the zoomed view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, holdBack, fetchLayout, seriousAxeViolations, PAGES_URL, OUTPUT_DIR } from './browser.mjs';

const EVENT = 'qt:1001';
const SHOW = '2001';

let browser;
let layout;
before(async () => {
  browser = await launchChromium();
  layout = await fetchLayout(EVENT, SHOW);
});
after(async () => { await browser?.close(); });

/** The one-date page with the widget's wasm held until `release()`; the stage's comes at once. */
async function openWithWidgetHeld(context = browser) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const release = await holdBack(page, '**/ticket_widget_bg.wasm');
  await page.goto(`${PAGES_URL}/one-date.html`);
  await page.locator('.tw-painted [data-testid=selection-summary]').waitFor({ timeout: 30_000 });
  return { page, errors, release };
}

const paintedSeat = (page, id) => page.locator(`.tw-painted [data-testid=seat][data-seat-id="${id}"]`);
const seatIds = (page, state, nths) => page.locator(`.tw-painted [data-testid=seat]${state === 'available' ? ':not([data-state])' : `[data-state=${state}]`}`)
  .evaluateAll((seats, nths) => nths.map((nth) => seats[nth].getAttribute('data-seat-id')), nths);
const listed = (page, scope) => page.locator(`${scope} [data-testid=selection-seat]`)
  .evaluateAll((lines) => lines.map((line) => line.dataset.seatId));
const digits = (text) => Number(text.replace(/[^\d,]/g, '').replace(',', '.'));

/** The summary's markup without what only a Leptos view has (its comment markers). */
const summaryMarkup = (page, scope) => page.locator(`${scope} [data-testid=selection-summary]`)
  .evaluate((summary) => summary.outerHTML.replace(/<!--[^]*?-->/g, ''));

test('with the widget still on its way, the stage picks seats: bubble, order and total, taken seats refused, keys', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const [first, second, third] = await seatIds(page, 'available', [200, 230, 260]);
  const [taken] = await seatIds(page, 'unavailable', [0]);
  for (const id of [first, second, third]) await paintedSeat(page, id).click({ force: true });
  await paintedSeat(page, taken).click({ force: true });
  assert.equal(await paintedSeat(page, taken).getAttribute('data-state'), 'unavailable', 'a taken seat is not picked');
  assert.deepEqual(await listed(page, '.tw-painted'), [first, second, third], 'the order lists the picks in order');
  // × on a line puts that seat back.
  await page.locator(`.tw-painted [data-testid=selection-seat][data-seat-id="${second}"] button`).click();
  assert.equal(await paintedSeat(page, second).getAttribute('data-state'), null, 'available again');
  assert.deepEqual(await listed(page, '.tw-painted'), [first, third]);
  // Said in the hall's polite live region, as the widget says it.
  const removed = layout.seats.find((seat) => seat.id === second);
  const said = (await page.locator('.tw-painted [role=status][data-testid=announcer]').textContent()).replace(/\s/g, ' ');
  assert.match(said, new RegExp(`^Убрано: .*ряд ${removed.row}, место ${removed.place}\\. В заказе 2 билета на `), said);
  const price = (id) => layout.seats.find((seat) => seat.id === id).price.minor;
  const total = digits(await page.locator('.tw-painted [data-testid=selection-total]').innerText());
  assert.equal(total, (price(first) + price(third)) / 100, 'the total is the two seats\' prices');

  // The bubble names the seat under the pointer.
  const hovered = layout.seats.find((seat) => seat.id === first);
  await paintedSeat(page, first).hover({ force: true });
  const bubble = await page.locator('.tw-painted [data-testid=seat-tooltip]').innerText();
  assert.ok(bubble.includes(String(hovered.place)), `the bubble names place ${hovered.place}: ${bubble}`);

  // The keys: the plan is one tab stop (the seat clicked last); an arrow moves on from it.
  assert.equal(await page.locator('.tw-painted .tw-map [tabindex]').count(), 1, 'one tab stop on the plan');
  await page.locator('.tw-painted .tw-map [tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  const focused = page.locator('.tw-painted [data-testid=seat]:focus');
  assert.equal(await focused.getAttribute('role'), 'button');
  assert.ok((await focused.getAttribute('aria-label')).length > 0, 'the focused seat has a name');
  await page.screenshot({ path: join(OUTPUT_DIR, 'stage-before-widget.png') });
  assert.deepEqual(await seriousAxeViolations(page), [], 'axe: no serious or critical violations on the stage');
  release();
  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('the widget takes the stage over: the same picks, the same order markup, the keyboard\'s seat still focused', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const [first, second] = await seatIds(page, 'available', [300, 330]);
  for (const id of [first, second]) await paintedSeat(page, id).click({ force: true });
  const stageSummary = await summaryMarkup(page, '.tw-painted');
  await page.locator('.tw-painted .tw-map [tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  // On to a free seat (an earlier test may have bought the one next along), so Enter below can pick it.
  const focusedOnStage = page.locator('.tw-painted [data-testid=seat]:focus');
  for (let step = 0; step < 40 && await focusedOnStage.getAttribute('data-state') !== null; step += 1) {
    await page.keyboard.press('ArrowRight');
  }
  assert.equal(await focusedOnStage.getAttribute('data-state'), null, 'a free seat has the focus');
  const focusedId = await focusedOnStage.getAttribute('data-seat-id');
  release();

  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.tw-painted').count(), 0, 'the stage gave way to the widget');
  assert.deepEqual(await listed(page, '[data-testid=hall]'), [first, second], 'the widget\'s order lists the same picks');
  assert.equal(await summaryMarkup(page, '[data-testid=hall]'), stageSummary, 'and looks exactly as the stage drew it');
  const stillFocused = page.locator('[data-testid=hall] [data-testid=seat]:focus');
  await stillFocused.waitFor();
  assert.equal(await stillFocused.getAttribute('data-seat-id'), focusedId, 'the keyboard\'s seat keeps the focus');
  assert.equal(await page.locator('[data-testid=hall] [data-testid=seat][tabindex]').count(), 1, 'one tab stop on the plan');
  // And the keys go on from there, now the widget's.
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid=hall] [data-testid=selection-seat][data-seat-id="${focusedId}"]`).waitFor();
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

/** The markup of `selector` in `scope`, without comment markers and with its element ids made alike. */
const partMarkup = (page, scope, selector) => page.locator(`${scope} ${selector}`)
  .evaluate((part) => part.outerHTML.replace(/<!--[^]*?-->/g, '').replace(/ id="[^"]*"/g, ' id="…"'));

test('the stage shows the widget\'s toolbar and legend: the same markup, its zoom buttons work, a seat list asked for opens with the widget', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const stage = '.tw-painted';
  const plan = page.locator(`${stage} .tw-map > svg`);
  const button = (testId) => page.locator(`${stage} .tw-map-toolbar [data-testid=${testId}]`);
  const wholeView = await plan.getAttribute('viewBox');
  // The keys' hint is the plan's tab stop's description.
  const [id] = await seatIds(page, 'available', [250]);
  await paintedSeat(page, id).click({ force: true });
  const hintId = await page.locator(`${stage} .tw-map-toolbar .tw-visually-hidden`).getAttribute('id');
  assert.equal(await paintedSeat(page, id).getAttribute('aria-describedby'), hintId);
  assert.deepEqual([await button('zoom-out').isDisabled(), await button('zoom-reset').isDisabled()], [true, true], 'nothing to zoom out of yet');
  await button('zoom-in').click();
  assert.notEqual(await plan.getAttribute('viewBox'), wholeView, '+ zooms in');
  assert.equal(await button('zoom-out').isDisabled(), false);
  await button('zoom-reset').click();
  assert.equal(await plan.getAttribute('viewBox'), wholeView, '⤢ shows the whole hall');
  assert.equal(await button('zoom-reset').isDisabled(), true);
  await button('zoom-in').click();
  await button('zoom-in').click();
  const zoomedView = await plan.getAttribute('viewBox');
  await button('seat-list-toggle').click();
  const stageToolbar = await partMarkup(page, stage, '.tw-map-toolbar');
  const stageLegend = await partMarkup(page, stage, '[data-testid=zone-legend]');
  release();

  const hall = '[data-testid=hall]';
  await page.locator(`${hall} [data-testid=seat-map] [data-testid=seat]`).first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`${hall} [data-testid=seat-map]`).getAttribute('viewBox'), zoomedView, 'the same view');
  // The list asked for on the stage is open: the toggle says so (the list shows beside it).
  const list = page.locator(`${hall} .tw-seat-list`);
  await list.waitFor();
  const toggle = page.locator(`${hall} [data-testid=seat-list-toggle]`);
  assert.equal(await toggle.getAttribute('aria-controls'), await list.getAttribute('id'));
  const widgetToolbar = (await partMarkup(page, hall, '.tw-map-toolbar')).replace(/ aria-controls="[^"]*"/, '');
  assert.equal(widgetToolbar, stageToolbar.replace('aria-expanded="false"', 'aria-expanded="true"'),
    'the widget\'s toolbar is the stage\'s (the list now open)');
  assert.equal(await partMarkup(page, hall, '[data-testid=zone-legend]'), stageLegend, 'and its legend the stage\'s');
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('general admission on the stage: the widget\'s steppers, a quantity in the order, carried over to the widget', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const stage = '.tw-painted';
  const stepper = page.locator(`${stage} [data-testid=admission-stepper]`).first();
  const admissionId = await stepper.getAttribute('data-admission-id');
  const admission = layout.admissions.find((entry) => entry.id === admissionId);
  assert.equal(await stepper.locator('[data-testid=admission-minus]').isDisabled(), true, 'nothing to take off yet');
  await stepper.locator('[data-testid=admission-plus]').click();
  await stepper.locator('[data-testid=admission-plus]').click();
  assert.equal(await stepper.locator('[data-testid=admission-quantity]').innerText(), '2');
  const line = page.locator(`${stage} [data-testid=selection-admission][data-admission-id="${admissionId}"]`);
  assert.match((await line.innerText()).replace(/\s/g, ' '), / × 2/);
  assert.equal(digits(await page.locator(`${stage} [data-testid=selection-total]`).innerText()), 2 * admission.price.minor / 100);
  // The minus button keeps the keyboard's focus as the stepper changes.
  await stepper.locator('[data-testid=admission-minus]').focus();
  await page.keyboard.press('Enter');
  assert.equal(await stepper.locator('[data-testid=admission-quantity]').innerText(), '1');
  assert.equal(await stepper.locator('[data-testid=admission-minus]').evaluate((button) => button === button.getRootNode().activeElement), true);
  const stageAdmissions = await partMarkup(page, stage, '.tw-admissions');
  const stageSummary = await summaryMarkup(page, stage);
  release();

  const hall = '[data-testid=hall]';
  await page.locator(`${hall} [data-testid=seat-map] [data-testid=seat]`).first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`${hall} [data-testid=admission-stepper][data-admission-id="${admissionId}"] [data-testid=admission-quantity]`).innerText(), '1',
    'the widget\'s stepper has the quantity chosen on the stage');
  assert.equal(await partMarkup(page, hall, '.tw-admissions'), stageAdmissions, 'the steppers look exactly as the stage drew them');
  assert.equal(await summaryMarkup(page, hall), stageSummary, 'and so does the order');
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('"reserve" pressed on the stage is done by the widget when it arrives', async () => {
  const { page, release } = await openWithWidgetHeld();
  const [id] = await seatIds(page, 'available', [400]);
  await paintedSeat(page, id).click({ force: true });
  const reserveButton = page.locator('.tw-painted [data-testid=reserve-button]');
  await reserveButton.click();
  assert.equal(await reserveButton.isDisabled(), true, 'pressed once');
  assert.equal(await reserveButton.innerText(), 'Бронируем…');
  const holdRequest = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/v1/holds'));
  release();
  assert.deepEqual((await holdRequest).postDataJSON().seats, [id], 'the widget reserved the stage\'s pick');
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=cancel-hold]').click();
  await page.close();
});

test('on a 360-px phone the stage zooms at a tap, a tap then picks, and the widget keeps that view', async () => {
  const phone = await launchChromium({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  try {
    const { page, errors, release } = await openWithWidgetHeld(phone);
    assert.equal(await page.evaluate(() => document.documentElement.clientWidth), 360, 'a phone-wide page');
    const paintedPlan = page.locator('.tw-painted .tw-map > svg');
    assert.equal(await paintedPlan.evaluate((svg) => getComputedStyle(svg).touchAction), 'none', 'panning never scrolls the page');
    const wholeView = await paintedPlan.getAttribute('viewBox');

    // The whole hall: a seat is far too small for a finger; a tap zooms where it landed and picks nothing.
    const [id] = await seatIds(page, 'available', [300]);
    const seat = paintedSeat(page, id);
    await seat.scrollIntoViewIfNeeded();
    const small = await seat.boundingBox();
    assert.ok(small.width < 24, `whole hall: a seat is ${small.width.toFixed(1)} px`);
    const whole = page.locator('.tw-painted [data-testid=whole-hall]');
    assert.equal(await whole.count(), 0, 'no way out needed yet');
    const [x, y] = [small.x + small.width / 2, small.y + small.height / 2];
    await page.touchscreen.tap(x, y);
    const zoomed = await seat.boundingBox();
    assert.ok(Math.min(zoomed.width, zoomed.height) >= 24, `after the first tap a seat is ${zoomed.width.toFixed(1)} px`);
    assert.ok(Math.abs(zoomed.x + zoomed.width / 2 - x) < zoomed.width / 2 && Math.abs(zoomed.y + zoomed.height / 2 - y) < zoomed.height / 2,
      'the tapped seat stayed under the finger');
    assert.equal(await page.locator('.tw-painted [data-testid=seat][data-state=selected]').count(), 0, 'the first tap picked nothing');
    assert.deepEqual(await listed(page, '.tw-painted'), []);
    await whole.waitFor({ state: 'visible' });
    assert.equal(await whole.innerText(), 'Показать весь зал');

    // The next tap picks that seat; the order lists it.
    await page.touchscreen.tap(zoomed.x + zoomed.width / 2, zoomed.y + zoomed.height / 2);
    assert.equal(await seat.getAttribute('data-state'), 'selected', 'the second tap picks');
    assert.deepEqual(await listed(page, '.tw-painted'), [id], 'the order lists the pick');

    // The way back out, then in again: the widget must take over a zoomed plan.
    const wholeBox = await whole.boundingBox();
    await page.touchscreen.tap(wholeBox.x + wholeBox.width / 2, wholeBox.y + wholeBox.height / 2);
    assert.equal(await paintedPlan.getAttribute('viewBox'), wholeView, 'the whole plan is back');
    assert.equal(await whole.count(), 0, 'and the button went');
    assert.ok((await seat.boundingBox()).width < 24);
    const again = await seat.boundingBox();
    await page.touchscreen.tap(again.x + again.width / 2, again.y + again.height / 2);
    await whole.waitFor({ state: 'visible' });
    assert.equal(await seat.getAttribute('data-state'), 'selected', 'zooming in again keeps the pick');
    const stageView = await paintedPlan.getAttribute('viewBox');
    assert.notEqual(stageView, wholeView);
    await page.screenshot({ path: join(OUTPUT_DIR, 'stage-phone-zoomed.png') });

    // The widget arrives: the same view, the same pick, and its own way back out.
    release();
    const map = page.locator('[data-testid=hall] [data-testid=seat-map]');
    await map.locator('[data-testid=seat]').first().waitFor({ timeout: 30_000 });
    await page.locator('.tw-painted').waitFor({ state: 'detached' });
    const numbers = (view) => view.trim().split(/[\s,]+/).map(Number);
    const widgetView = numbers(await map.getAttribute('viewBox'));
    numbers(stageView).forEach((value, index) => assert.ok(Math.abs(value - widgetView[index]) < 0.02,
      `the widget keeps the stage's view: ${widgetView} against ${stageView}`));
    const kept = map.locator(`[data-testid=seat][data-seat-id="${id}"]`);
    assert.equal(await kept.getAttribute('data-state'), 'selected', 'the pick is kept');
    assert.ok((await kept.boundingBox()).width >= 24, 'its seats are as big as on the stage');
    assert.deepEqual(await listed(page, '[data-testid=hall]'), [id]);
    const widgetWhole = page.locator('[data-testid=hall] [data-testid=whole-hall]');
    await widgetWhole.waitFor({ state: 'visible' });
    const box = await widgetWhole.boundingBox();
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await widgetWhole.waitFor({ state: 'hidden' });
    assert.equal(await map.getAttribute('viewBox'), wholeView, 'the widget\'s button brings the whole plan back');
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await phone.close();
  }
});

test('a focused tab stop near the edge of a zoomed stage: the widget takes over the very same view', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const plan = page.locator('.tw-painted .tw-map > svg');
  const zoomIn = page.locator('.tw-painted .tw-map-toolbar [data-testid=zoom-in]');
  await zoomIn.click();
  await zoomIn.click();
  // A free seat wholly in sight, close to an edge of the plan's box (within
  // the margin the widget's keyboard keeps around a focused seat).
  const nearEdge = await plan.evaluate((svg) => {
    const frame = svg.getBoundingClientRect();
    for (const seat of svg.querySelectorAll('g.tw-seats > circle:not([data-state])')) {
      const r = seat.getBoundingClientRect();
      const inside = r.left >= frame.left && r.right <= frame.right && r.top >= frame.top && r.bottom <= frame.bottom;
      const gap = Math.min(r.left - frame.left, frame.right - r.right, r.top - frame.top, frame.bottom - r.bottom);
      if (inside && gap < 20) return { id: seat.getAttribute('data-seat-id'), x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  });
  assert.ok(nearEdge, 'a free seat near the edge of the zoomed plan');
  await page.mouse.click(nearEdge.x, nearEdge.y);
  assert.equal(await paintedSeat(page, nearEdge.id).getAttribute('data-state'), 'selected');
  // Focused as a phone's tap on it focuses it, without the view moving.
  await paintedSeat(page, nearEdge.id).evaluate((seat) => seat.focus());
  const stageView = await plan.getAttribute('viewBox');
  release();

  const map = page.locator('[data-testid=hall] [data-testid=seat-map]');
  await page.locator('.tw-painted').waitFor({ state: 'detached', timeout: 30_000 });
  const focused = map.locator('[data-testid=seat]:focus');
  await focused.waitFor();
  assert.equal(await focused.getAttribute('data-seat-id'), nearEdge.id, 'the seat keeps the focus');
  const numbers = (view) => view.trim().split(/[\s,]+/).map(Number);
  const widgetView = numbers(await map.getAttribute('viewBox'));
  numbers(stageView).forEach((value, index) => assert.ok(Math.abs(value - widgetView[index]) < 0.02,
    `the widget keeps the stage's view: ${widgetView} against ${stageView}`));
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('with a mouse the stage zooms at the wheel, pans at a drag that picks nothing, and + / 0 zoom from the keys', async () => {
  const { page, errors, release } = await openWithWidgetHeld();
  const plan = page.locator('.tw-painted .tw-map > svg');
  const wholeView = await plan.getAttribute('viewBox');
  const box = await plan.boundingBox();
  const middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(middle.x, middle.y);
  await page.mouse.wheel(0, -300);
  await page.locator('.tw-painted [data-testid=whole-hall]').waitFor({ state: 'visible' });
  const zoomed = await plan.getAttribute('viewBox');
  assert.notEqual(zoomed, wholeView, 'the wheel zoomed in');

  // A drag moves the plan and its release picks nothing.
  await page.mouse.down();
  await page.mouse.move(middle.x + 60, middle.y + 20, { steps: 6 });
  await page.mouse.up();
  const panned = await plan.getAttribute('viewBox');
  const [zoomedX] = zoomed.split(' ').map(Number);
  const [pannedX, , pannedWidth] = panned.split(' ').map(Number);
  assert.ok(pannedX < zoomedX, `dragging right shows what is left: ${zoomed} → ${panned}`);
  assert.equal(pannedWidth, Number(zoomed.split(' ')[2]), 'at the same zoom');
  assert.deepEqual(await listed(page, '.tw-painted'), [], 'the drag picked nothing');

  // The keys: + closer, 0 the whole hall again.
  const [id] = await seatIds(page, 'available', [500]);
  await paintedSeat(page, id).click({ force: true });
  await page.locator('.tw-painted .tw-map [tabindex="0"]').focus();
  await page.keyboard.press('+');
  assert.ok(Number((await plan.getAttribute('viewBox')).split(' ')[2]) < pannedWidth, '+ zooms in');
  await page.keyboard.press('0');
  assert.equal(await plan.getAttribute('viewBox'), wholeView, '0 shows the whole hall');
  assert.equal(await page.locator('.tw-painted [data-testid=whole-hall]').count(), 0);
  release();
  await page.locator('[data-testid=hall] [data-testid=seat-map] [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});
