// A 360-px phone with a touch screen, on the one-date partner page: the whole
// hall's seats are too small for a finger, so the first tap zooms to where it
// landed until seats are at least 24 CSS px (WCAG 2.2), the next tap selects,
// and a "whole hall" button leads back out. Panning never scrolls the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, PAGES_URL, OUTPUT_DIR } from './browser.mjs';

let phone;
before(async () => {
  phone = await launchChromium({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
});
after(async () => { await phone?.close(); });

/** The seat circle at a screen point, with its size and state. */
function seatAt(page, x, y) {
  return page.evaluate(([x, y]) => {
    const root = document.querySelector('ticket-widget').shadowRoot;
    const circle = root.elementFromPoint(x, y);
    if (!circle || circle.getAttribute('data-testid') !== 'seat') return null;
    const box = circle.getBoundingClientRect();
    return {
      id: circle.getAttribute('data-seat-id'),
      state: circle.getAttribute('data-state') ?? 'available',
      size: Math.min(box.width, box.height),
      x: box.left + box.width / 2,
      y: box.top + box.height / 2,
    };
  }, [x, y]);
}

test('on a 360-px phone: tap → seats at least 24 px → tap selects; the whole hall again', async () => {
  const page = await phone.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${PAGES_URL}/one-date.html`);
  const map = page.locator('[data-testid=hall] [data-testid=seat-map]');
  await map.locator('[data-testid=seat]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => document.documentElement.clientWidth), 360, 'a phone-wide page');
  assert.equal(await map.evaluate((svg) => getComputedStyle(svg).touchAction), 'none', 'panning the plan never scrolls the page');

  // An available seat in the whole hall: far too small for a finger.
  const target = page.locator('[data-testid=seat-map] [data-testid=seat]:not([data-state])').nth(300);
  await target.scrollIntoViewIfNeeded();
  const small = await target.boundingBox();
  assert.ok(small.width < 24, `whole hall: a seat is ${small.width.toFixed(1)} px`);
  const whole = page.locator('[data-testid=whole-hall]');
  assert.equal(await whole.isVisible(), false, 'no way out needed yet');

  // First tap: zooms where it landed, selects nothing.
  const [x, y] = [small.x + small.width / 2, small.y + small.height / 2];
  await page.touchscreen.tap(x, y);
  await page.waitForFunction(
    ([x, y]) => {
      const circle = document.querySelector('ticket-widget').shadowRoot.elementFromPoint(x, y);
      return circle && circle.getAttribute('data-testid') === 'seat' && circle.getBoundingClientRect().width >= 24;
    },
    [x, y],
    { timeout: 10_000 },
  );
  assert.equal(await page.locator('[data-testid=seat][data-state=selected]').count(), 0, 'the first tap selected nothing');
  const underFinger = await seatAt(page, x, y);
  assert.ok(underFinger.size >= 24, `after the first tap a seat is ${underFinger.size.toFixed(1)} px`);
  assert.equal(underFinger.id, await target.getAttribute('data-seat-id'), 'the tapped seat stayed under the finger');
  await whole.waitFor({ state: 'visible' });

  // Second tap: selects that seat; the order lists it.
  await page.touchscreen.tap(underFinger.x, underFinger.y);
  await page.locator(`[data-testid=seat][data-seat-id="${underFinger.id}"][data-state=selected]`).waitFor({ timeout: 10_000 });
  await page.locator('[data-testid=selection-seat]').first().waitFor();
  await page.screenshot({ path: join(OUTPUT_DIR, 'phone-zoomed.png') });

  // The way back out.
  const { x: bx, y: by, width: bw, height: bh } = await whole.boundingBox();
  await page.touchscreen.tap(bx + bw / 2, by + bh / 2);
  await whole.waitFor({ state: 'hidden' });
  const back = await target.boundingBox();
  assert.ok(back.width < 24, `whole hall again: ${back.width.toFixed(1)} px`);
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});
