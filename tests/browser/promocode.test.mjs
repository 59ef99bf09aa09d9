// Promo codes in the widget, in Debian's Chromium on the script-tag partner
// page: the jazz evening (TicketsCloud) has a promo-code field under the
// cart; a wrong code is refused in the buyer's language with the total
// unchanged; SALE10 brings the ticketing system's discounted total, which is
// what the confirmed hold says after the demo partner's payment; "remove"
// brings the list prices back. A QTickets checkout has no field (its
// Partners API has no promo codes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, proxyFetch, parseRoubles, PAGES_URL, PROXY_URL, PARTNER_KEY, OUTPUT_DIR } from './browser.mjs';

const JAZZ = 'tc:5f1a0c0e2b3c4d5e6f708193';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function total(page) {
  return parseRoubles(await page.locator('[data-testid=hold-total]').textContent());
}

test('SALE10 in the checkout: a wrong code refused, then the discounted total, removed and applied again, paid at that total', async () => {
  const page = await browser.newPage();
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator(`[data-testid=event-card][data-event-id="${JAZZ}"]`).click();
  const plus = page.locator('[data-testid=admission-plus]').first();
  await plus.waitFor({ timeout: 30_000 });
  await plus.click();
  await plus.click();
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  assert.equal(await total(page), 249_600, 'two places at 1 248 ₽');

  const input = page.locator('[data-testid=promocode-input]');
  await input.waitFor({ timeout: 30_000 });
  await input.fill('JAZZ2025');
  await page.locator('[data-testid=promocode-apply]').click();
  const refusal = page.locator('[data-testid=promocode-error][data-error-code=promocode_expired]');
  await refusal.waitFor({ timeout: 30_000 });
  assert.match(await refusal.textContent(), /закончился/, 'said in Russian');
  assert.equal(await total(page), 249_600, 'a refused code changes nothing');

  await input.fill('SALE10');
  await page.locator('[data-testid=promocode-apply]').click();
  await page.locator('[data-testid=promocode-applied]').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=promocode-applied]').textContent(), 'SALE10');
  assert.equal(await total(page), 225_600, 'the ticketing system took 120 ₽ off each place');
  assert.match(await page.locator('[data-testid=hold-discount]').textContent(), /SALE10\s*−240 ₽/);
  assert.equal(await page.locator('[data-testid=promocode-error]').isVisible(), false);
  await page.screenshot({ path: join(OUTPUT_DIR, 'promocode-applied.png'), fullPage: true });

  // Removed: the list prices again, and the field to type a code in.
  await page.locator('[data-testid=promocode-remove]').click();
  await input.waitFor({ timeout: 30_000 });
  assert.equal(await total(page), 249_600, 'without the code, the list prices');
  assert.equal(await page.locator('[data-testid=hold-discount]').count(), 0);
  await input.fill('sale10');
  await page.locator('[data-testid=promocode-apply]').click();
  await page.locator('[data-testid=promocode-applied]').waitFor({ timeout: 30_000 });
  assert.equal(await total(page), 225_600, 'applied again');

  const holdId = (await page.evaluate((key) => sessionStorage.getItem(key), `ticket-widget:hold:${PARTNER_KEY}`)).split(' ')[0];
  await page.locator('[data-testid=buyer-name]').fill('Анна Иванова');
  await page.locator('[data-testid=buyer-email]').fill('anna@example.ru');
  await page.locator('[data-testid=buyer-phone]').fill('8 916 123-45-67');
  await page.locator('[data-testid=buyer-submit]').click();
  await page.locator('[data-testid=tickets]').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=ticket-card]').count(), 2);
  const paid = await (await proxyFetch(`${PROXY_URL}/v1/holds/${holdId}`, { headers: { 'X-Partner-Key': PARTNER_KEY } })).json();
  assert.equal(paid.state, 'confirmed');
  assert.equal(paid.total.minor, 225_600, 'confirmed at the discounted total');
  assert.equal(paid.promocode.code, 'sale10');
  await page.close();
});

test('a QTickets checkout has no promo-code field', async () => {
  const page = await browser.newPage();
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator('[data-testid=event-card][data-event-id="qt:1001"]').click();
  const showButton = page.locator('[data-testid=show-button][data-show-id="2001"]');
  if (await showButton.count()) await showButton.click();
  const seat = page.locator('[data-testid=seat]:not([data-state])').nth(80);
  await seat.waitFor({ timeout: 30_000 });
  await seat.click({ force: true });
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=no-promocode]').waitFor({ state: 'attached', timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=promocode-form]').count(), 0);
  await page.locator('[data-testid=cancel-hold]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ state: 'detached', timeout: 30_000 });
  await page.close();
});
