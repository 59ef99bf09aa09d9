// The buyer's tickets in Debian's Chromium: a TicketsCloud order paid before
// its barcodes exist ("tickets are being issued", then the tickets appear by
// themselves), and a ticket card with everything a ticket must show (event,
// start, venue, category and place, series and number, price, barcode, the
// organiser's legal details) that prints as cards only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, OUTPUT_DIR, PAGES_URL } from './browser.mjs';

const SIM_URL = process.env.SIM_URL;
if (!SIM_URL) throw new Error('SIM_URL is not set: run the browser tests through `make test`');

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => {
  await setBarcodeDelay(0);
  await browser?.close();
});

async function setBarcodeDelay(seconds) {
  const response = await fetch(`${SIM_URL}/_sim/ticketscloud/barcodes`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ delay_seconds: seconds }),
  });
  assert.equal(response.status, 200);
}

test('TicketsCloud: paid before the barcodes exist → "being issued" → complete tickets that print cleanly', async () => {
  // Issued 7 s after payment: later than the proxy's first look.
  await setBarcodeDelay(7);
  const page = await browser.newPage();
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator('[data-testid=event-card][data-event-id="tc:5f1a0c0e2b3c4d5e6f708192"]').click();
  const available = page.locator('[data-testid=seat]:not([data-state])');
  await available.first().waitFor({ timeout: 30_000 });
  const seatId = await available.nth(8).getAttribute('data-seat-id');
  await page.locator(`[data-testid=seat][data-seat-id="${seatId}"]`).click({ force: true });
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=buyer-name]').fill('Анна Иванова');
  await page.locator('[data-testid=buyer-email]').fill('anna@example.ru');
  await page.locator('[data-testid=buyer-phone]').fill('8 916 123-45-67');
  await page.locator('[data-testid=buyer-submit]').click();

  // Paid, no barcodes yet: the buyer is told, and no countdown is shown.
  const issuing = page.locator('[data-testid=tickets-issuing]');
  await issuing.waitFor({ timeout: 30_000 });
  assert.match(await issuing.innerText(), /билеты выпускаются/);
  assert.equal(await page.locator('[data-testid=hold-timer]').count(), 0, 'paid: no countdown');
  await page.screenshot({ path: join(OUTPUT_DIR, 'tickets-issuing.png'), fullPage: true });

  // They arrive by themselves (the widget polls the hold).
  const card = page.locator('[data-testid=ticket-card]').first();
  await card.waitFor({ timeout: 45_000 });
  assert.equal(await page.locator('[data-testid=tickets-issuing]').count(), 0);
  const text = async (testId) => (await card.locator(`[data-testid=${testId}]`).innerText()).trim();
  assert.equal(await text('ticket-event'), 'Лебединое озеро');
  assert.match(await text('ticket-when'), /15 апреля 2027, 19:00/, 'the start in the venue\'s time');
  assert.match(await text('ticket-venue'), /Мариинский театр, Театральная площадь, 1/);
  assert.match(await text('ticket-serial'), /^SWL \d+$/, 'series and number');
  assert.match(await text('ticket-price'), /₽/);
  const organiser = await text('ticket-organiser');
  assert.match(organiser, /ООО «Премьера»/);
  assert.match(organiser, /ИНН 7701234567/);
  assert.match(organiser, /ОГРН 1027700000001/);
  assert.ok((await card.locator('[data-testid=barcode] rect').count()) > 10, 'the barcode drawn as bars');
  await page.screenshot({ path: join(OUTPUT_DIR, 'ticket-card.png'), fullPage: true });

  // Printed: the cards only, each whole on its page, no buttons.
  await page.emulateMedia({ media: 'print' });
  const visible = async (selector) => page.locator(selector).first().isVisible();
  assert.equal(await visible('[data-testid=ticket-card]'), true);
  assert.equal(await visible('[data-testid=tickets-print]'), false, 'no print button on paper');
  assert.equal(await visible('[data-testid=tickets-done]'), false, 'no "buy more" on paper');
  const cardStyle = await card.evaluate((element) => {
    const style = getComputedStyle(element);
    return { breakInside: style.breakInside, shadow: style.boxShadow, border: style.borderTopColor };
  });
  assert.equal(cardStyle.breakInside, 'avoid', 'a card is never split across pages');
  assert.equal(cardStyle.shadow, 'none');
  assert.equal(cardStyle.border, 'rgb(0, 0, 0)');
  await page.pdf({ path: join(OUTPUT_DIR, 'tickets.pdf') }).catch(() => {});
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await visible('[data-testid=tickets-print]'), true, 'on screen the buyer can print');
  await page.close();
});
