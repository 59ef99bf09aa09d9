// "Best seats" in Debian's Chromium on the 2,172-seat hall (qt:1001, show
// 2001): the form beside the plan asks the proxy for N seats side by side;
// a zone without such a block says so and stays on the plan; a zone with one
// goes on to the checkout exactly as reserving picked seats does, holding
// seats of one row of that zone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, fetchLayout, PAGES_URL, OUTPUT_DIR } from './browser.mjs';

const EVENT = 'qt:1001';
const SHOW = '2001';
/** «Амфитеатр»: 10 rows of 60 behind the stalls. */
const AMPHITHEATRE = '5';
/** «Supervip»: priced 0, not sold to the demo partner. */
const FREE_BOX = '7';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function openHall(page) {
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator(`[data-testid=event-card][data-event-id="${EVENT}"]`).click();
  const showButton = page.locator(`[data-testid=show-button][data-show-id="${SHOW}"]`);
  if (await showButton.count()) await showButton.click();
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
}

test('best seats: 3 in a zone → a hold of 3 seats side by side in one row of that zone', async () => {
  const page = await browser.newPage();
  await openHall(page);
  const form = page.locator('[data-testid=best-seats-form]');
  await form.waitFor();
  const zones = await form.locator('[data-testid=best-zone] option').evaluateAll((options) => options.map((option) => option.value));
  assert.ok(zones[0] === '' && zones.includes(AMPHITHEATRE), `"any" first, then the seated zones: ${zones}`);

  // No block there: told under the form, still on the plan.
  await form.locator('[data-testid=best-count]').selectOption('1');
  await form.locator('[data-testid=best-zone]').selectOption(FREE_BOX);
  await form.locator('[data-testid=best-seats-button]').click();
  const error = form.locator('[data-testid=best-seats-error]');
  await error.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await error.textContent(), /Supervip/);
  assert.equal(await page.locator('[data-testid=hold-timer]').count(), 0, 'nothing held');
  await page.screenshot({ path: join(OUTPUT_DIR, 'best-seats-none.png'), fullPage: true });

  await form.locator('[data-testid=best-count]').selectOption('3');
  await form.locator('[data-testid=best-zone]').selectOption(AMPHITHEATRE);
  await form.locator('[data-testid=best-seats-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  const held = await page.locator('[data-testid=hold-item]').evaluateAll((items) => items.map((item) => item.dataset.itemId));
  assert.equal(held.length, 3, `three seats held: ${held}`);

  const layout = await fetchLayout(EVENT, SHOW);
  const zoneIndex = layout.zones.findIndex((zone) => zone.id === AMPHITHEATRE);
  const seats = held.map((id) => layout.seats.find((seat) => seat.id === id));
  assert.ok(seats.every((seat) => seat && seat.zone === zoneIndex), `all in «Амфитеатр»: ${JSON.stringify(seats)}`);
  assert.ok(seats.every((seat) => seat.row === seats[0].row), `one row: ${seats.map((seat) => seat.row)}`);
  const places = seats.map((seat) => Number(seat.place)).sort((a, b) => a - b);
  assert.deepEqual(places, [places[0], places[0] + 1, places[0] + 2], `side by side: ${places}`);
  assert.match(await page.locator('[data-testid=hold-cart]').textContent(), /Амфитеатр/);
  await page.screenshot({ path: join(OUTPUT_DIR, 'best-seats.png'), fullPage: true });
  await page.close();
});
