// The checkout is a second wasm module (widget/src/components/checkout_module.rs):
// a buyer who only looks at the hall never downloads it; the first pick fetches
// it (served as application/wasm, which streaming compilation needs), and the
// checkout comes from it. On a slow line the hall's "Reserving…" stays until
// the checkout can be shown. A module that cannot be fetched shows the
// widget's "could not load" panel with a retry, which brings the checkout;
// never a blank widget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, PAGES_URL } from './browser.mjs';

const CHUNK = /\/widget\/split_checkout\.wasm(\?|$)/;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function openHall(page) {
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator('[data-testid=event-card][data-event-id="qt:1001"]').click();
  const showButton = page.locator('[data-testid=show-button][data-show-id="2001"]');
  if (await showButton.count()) await showButton.click();
  await page.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 30_000 });
}

async function pickSeat(page, index) {
  const id = await page.locator('[data-testid=seat]:not([data-state])').nth(index).getAttribute('data-seat-id');
  await page.locator(`[data-testid=seat][data-seat-id="${id}"]`).click({ force: true });
  await page.locator(`[data-testid=seat][data-seat-id="${id}"][data-state=selected]`).waitFor();
}

async function giveBack(page) {
  const cancel = page.locator('[data-testid=cancel-hold]');
  if (await cancel.count()) {
    await cancel.click();
    await page.locator('[data-testid=seat]').first().waitFor({ timeout: 30_000 });
  }
  await page.close();
}

test('the hall alone never fetches the checkout module; the first pick does, and the checkout comes from it', async () => {
  const page = await browser.newPage();
  const chunkResponses = [];
  page.on('response', (response) => { if (CHUNK.test(response.url())) chunkResponses.push(response); });
  await openHall(page);
  // Browsing the plan (the map is drawn, the wasm is running) costs no checkout bytes.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  assert.equal(chunkResponses.length, 0, 'no checkout module before a seat is picked');

  const fetched = page.waitForResponse((response) => CHUNK.test(response.url()), { timeout: 15_000 });
  await pickSeat(page, 40);
  const response = await fetched;
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'] ?? '', /^application\/wasm/, 'served as wasm (streaming compilation needs it)');

  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=buyer-name]').waitFor();
  assert.equal(await page.locator('[data-testid=error-panel]').count(), 0);
  assert.equal(chunkResponses.length, 1, 'the module is fetched once');
  await giveBack(page);
});

test('on a slow line the reserve button says "Бронируем…" until the checkout is there, with nothing in between', async () => {
  const page = await browser.newPage();
  // The checkout's module takes 3 s to arrive, longer than the hold.
  await page.route(CHUNK, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue();
  });
  await openHall(page);
  await pickSeat(page, 44);
  // What the widget shows, sampled every frame from the click on: the hall
  // with its reserve button, that button busy, or the checkout.
  await page.evaluate(() => {
    const root = document.querySelector('ticket-widget').shadowRoot;
    window.shownWhileReserving = [];
    const sample = () => {
      const timer = root.querySelector('[data-testid=hold-timer]');
      const button = root.querySelector('[data-testid=reserve-button]');
      const shown = timer ? 'checkout' : button ? (button.disabled ? `busy: ${button.textContent.trim()}` : 'hall') : 'something else';
      if (window.shownWhileReserving.at(-1) !== shown) window.shownWhileReserving.push(shown);
      if (!timer) requestAnimationFrame(sample);
    };
    sample();
  });
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  const shown = await page.evaluate(() => window.shownWhileReserving);
  assert.deepEqual(shown, ['hall', 'busy: Бронируем…', 'checkout']);
  await page.locator('[data-testid=buyer-name]').waitFor();
  await giveBack(page);
});

test('a checkout module that cannot be fetched: the error panel with a retry, and the retry brings the checkout', async () => {
  const page = await browser.newPage();
  let blocked = true;
  let attempts = 0;
  await page.route(CHUNK, (route) => {
    attempts += 1;
    return blocked ? route.abort('internetdisconnected') : route.continue();
  });
  await openHall(page);
  await pickSeat(page, 42);
  await page.locator('[data-testid=reserve-button]').click();

  // The hold is made; its checkout cannot be shown: the widget says so and offers a retry.
  const panel = page.locator('[data-testid=error-panel]');
  await panel.waitFor({ timeout: 30_000 });
  assert.equal(await panel.getAttribute('data-error-code'), 'network');
  assert.ok((await panel.innerText()).trim().length > 0, 'the panel says something');
  assert.equal(await page.locator('[data-testid=hold-timer]').count(), 0);
  assert.ok(attempts >= 1, 'the module was asked for');

  blocked = false;
  await page.locator('[data-testid=retry-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=buyer-name]').waitFor();
  assert.equal(await panel.count(), 0, 'the panel is gone once the checkout is there');
  await giveBack(page);
});
