// The iframe page /embed opened on its own (a link, not a frame): the buyer
// goes to a payment_url only when the proxy found it on one of the partner's
// origins, with the hold id in the URL's fragment (never its query); a
// crafted link to anyone else's "payment" page is never followed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, PAGES_URL, PROXY_URL, PARTNER_KEY } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** Opens /embed on one date with `paymentUrl`, holds a seat and enters the buyer (which goes on to pay). */
async function payFromTheEmbed(page, paymentUrl, seatIndex, referer) {
  const query = new URLSearchParams({ partner: PARTNER_KEY, event: 'qt:1001', show: '2001', lang: 'en', payment_url: paymentUrl });
  await page.goto(`${PROXY_URL}/embed?${query}`, referer ? { referer } : {});
  const available = page.locator('[data-testid=seat]:not([data-state])');
  await available.first().waitFor({ timeout: 30_000 });
  const seatId = await available.nth(seatIndex).getAttribute('data-seat-id');
  await page.locator(`[data-testid=seat][data-seat-id="${seatId}"]`).click({ force: true });
  await page.locator('[data-testid=reserve-button]').click();
  await page.locator('[data-testid=hold-timer]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=buyer-name]').fill('Anna Ivanova');
  await page.locator('[data-testid=buyer-email]').fill('anna@example.ru');
  await page.locator('[data-testid=buyer-phone]').fill('8 916 123-45-67');
  await page.locator('[data-testid=buyer-submit]').click();
}

test('/embed on its own: a payment_url on the partner\'s origin is followed with the hold id in the fragment', async () => {
  const page = await browser.newPage();
  const target = `${PAGES_URL}/index.html`;
  await payFromTheEmbed(page, target, 70);
  await page.waitForURL((url) => url.href.startsWith(target), { timeout: 30_000 });
  const landed = new URL(page.url());
  assert.match(landed.hash, /^#hold=h_[0-9a-f]{32}$/, `the hold id is in the fragment: ${landed.href}`);
  assert.equal(landed.search, '', 'and nowhere in the query');
  await page.close();
});

test('/embed on its own: a payment_url elsewhere is ignored; the buyer is never sent there', async () => {
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (request) => { if (new URL(request.url()).hostname === 'evil.example') foreign.push(request.url()); });
  const warnings = [];
  page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()); });
  const embed = `${PROXY_URL}/embed`;
  // The crafted link is on the foreign site itself: the page's
  // document.referrer names that site, so a check by the page would pass.
  await payFromTheEmbed(page, 'http://evil.example/pay#hold={hold_id}', 72, 'http://evil.example/landing');
  assert.equal(await page.evaluate(() => new URL(document.referrer).origin), 'http://evil.example');
  // No redirect and no partner callback in a page of its own: the widget waits for the confirmation.
  await page.locator('[data-testid=payment-waiting]').waitFor({ timeout: 30_000 });
  assert.ok(page.url().startsWith(embed), `still on the embed: ${page.url()}`);
  assert.deepEqual(foreign, [], 'nothing was asked of the foreign page');
  assert.ok(warnings.some((text) => text.includes('payment_url ignored')), `the developer is told: ${warnings}`);
  await page.close();
});
