// Theming and language in Debian's Chromium. A partner's custom properties
// on <ticket-widget> colour the reserve button, a selected seat and the
// widget's surface; theme="dark" and theme="auto" (the system's preference)
// switch the defaults live, keeping the buyer's picks; the theming example
// page's ::part() rules reach inside. The language: the element's lang, else
// the page's <html lang>, else the browser's (this context is an English one).
// The painted first frame and the iframe embed (?theme=dark) follow the theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, seriousAxeViolations, OUTPUT_DIR, PAGES_URL, PROXY_URL, PARTNER_KEY } from './browser.mjs';

let browser;
before(async () => { browser = await launchChromium({ locale: 'en-US', reducedMotion: 'reduce' }); });
after(async () => { await browser?.close(); });

/** Computed colours of what a buyer sees change with the theme. */
async function colours(page) {
  return page.locator('ticket-widget').evaluate((widget) => {
    const root = widget.shadowRoot;
    const style = (selector) => getComputedStyle(root.querySelector(selector));
    // Any CSS colour (the automatic text on the accent is an lch() value) as rgb().
    const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const rgb = (colour) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = colour;
      context.fillRect(0, 0, 1, 1);
      const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    };
    return {
      reserveBackground: style('[data-testid=reserve-button]').backgroundColor,
      reserveText: rgb(style('[data-testid=reserve-button]').color),
      selectedSeat: style('[data-testid=seat][data-state=selected]').fill,
      surface: style('.tw-root').backgroundColor,
      text: style('.tw-event-heading').color,
      selectedSeats: root.querySelectorAll('[data-testid=seat][data-state=selected]').length,
    };
  });
}

async function openHallWithAPick(page) {
  await page.locator('[data-testid=event-card][data-event-id="qt:1001"]').click();
  await page.locator('[data-testid=show-button]').first().click();
  const available = page.locator('[data-testid=seat]:not([data-state])');
  await available.first().waitFor({ timeout: 30_000 });
  await available.nth(3).click({ force: true });
  await page.locator('[data-testid=seat][data-state=selected]').waitFor();
}

test('custom properties colour the reserve button, a selected seat and the surface; theme="dark" and "auto" apply live', async () => {
  const page = await browser.newPage();
  await page.goto(`${PAGES_URL}/script-tag.html`);
  await page.locator('ticket-widget').evaluate((widget) => widget.setAttribute('style',
    '--ticket-widget-accent: rgb(1, 2, 3); --ticket-widget-accent-strong: rgb(4, 5, 6); '
    + '--ticket-widget-accent-soft: rgb(207, 208, 209); '
    + '--ticket-widget-surface: rgb(250, 240, 230); --ticket-widget-text: rgb(40, 30, 20)'));
  const dateTile = page.locator('ticket-widget .tw-date-tile').first();
  await dateTile.waitFor({ timeout: 30_000 });
  assert.deepEqual(await dateTile.evaluate((tile) => [getComputedStyle(tile).backgroundColor, getComputedStyle(tile).color]),
    ['rgb(207, 208, 209)', 'rgb(1, 2, 3)'], 'the soft accent behind the accent');
  await openHallWithAPick(page);

  const branded = await colours(page);
  assert.equal(branded.reserveBackground, 'rgb(1, 2, 3)', 'the accent is the reserve button');
  assert.equal(branded.reserveText, 'rgb(255, 255, 255)', 'white text on a dark accent');
  assert.equal(branded.selectedSeat, 'rgb(1, 2, 3)', 'the accent is a selected seat');
  assert.equal(branded.surface, 'rgb(250, 240, 230)');
  assert.equal(branded.text, 'rgb(40, 30, 20)');
  await page.locator('[data-testid=reserve-button]').hover();
  assert.equal((await colours(page)).reserveBackground, 'rgb(4, 5, 6)', 'the strong accent under the pointer');
  await page.mouse.move(0, 0);
  // A light accent gets dark text by itself.
  await page.locator('ticket-widget').evaluate((widget) => widget.style.setProperty('--ticket-widget-accent', 'rgb(253, 224, 71)'));
  assert.equal((await colours(page)).reserveText, 'rgb(0, 0, 0)', 'black text on a light accent');

  // Dark: the partner's own values still win...
  await page.locator('ticket-widget').evaluate((widget) => widget.setAttribute('theme', 'dark'));
  assert.equal((await colours(page)).surface, 'rgb(250, 240, 230)');
  // ...and without them the dark defaults show, on the same screen, the pick kept.
  await page.locator('ticket-widget').evaluate((widget) => widget.removeAttribute('style'));
  const dark = await colours(page);
  assert.deepEqual(dark, {
    reserveBackground: 'rgb(139, 147, 248)',
    reserveText: 'rgb(0, 0, 0)',
    selectedSeat: 'rgb(139, 147, 248)',
    surface: 'rgb(22, 27, 38)',
    text: 'rgb(243, 244, 246)',
    selectedSeats: 1,
  });
  await page.screenshot({ path: join(OUTPUT_DIR, 'theme-dark.png'), fullPage: true });

  // auto: the system's preference, followed as it changes.
  await page.locator('ticket-widget').evaluate((widget) => widget.setAttribute('theme', 'auto'));
  // The preference's change event reaches the loader a moment after the switch.
  const themeFollowed = (dark) => page.waitForFunction((dark) => {
    const host = document.querySelector('ticket-widget').shadowRoot.querySelector('.tw-host');
    return host.classList.contains('tw-theme-dark') === dark;
  }, dark, { timeout: 5_000 }).catch(() => {});
  await page.emulateMedia({ colorScheme: 'dark' });
  await themeFollowed(true);
  assert.equal((await colours(page)).surface, 'rgb(22, 27, 38)', 'auto + dark system: dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await themeFollowed(false);
  const light = await colours(page);
  assert.equal(light.surface, 'rgb(255, 255, 255)', 'auto + light system: light');
  assert.equal(light.reserveBackground, 'rgb(67, 56, 202)', 'the default accent');
  assert.equal(light.reserveText, 'rgb(255, 255, 255)');
  assert.equal(light.selectedSeats, 1, 'no theme change mounted the widget again');
  await page.close();
});

test('the theming example page: its brand, ::part() rules and its dark theme', async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${PAGES_URL}/theming.html`);
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  const look = () => page.locator('ticket-widget').evaluate((widget) => {
    const root = widget.shadowRoot;
    const style = (selector) => getComputedStyle(root.querySelector(selector));
    return {
      price: style('.tw-price-from').color,
      surface: style('.tw-root').backgroundColor,
      font: style('.tw-event-title').fontFamily,
      radius: style('.tw-event-card').borderTopLeftRadius,
      rootShadow: style('[part~=root]').boxShadow,
      parts: [...root.querySelectorAll('[part]')].map((element) => element.getAttribute('part')),
    };
  });
  const light = await look();
  assert.equal(light.price, 'rgb(15, 118, 110)', 'the page\'s accent');
  assert.equal(light.surface, 'rgb(255, 255, 255)');
  assert.match(light.font, /^Georgia/);
  assert.equal(light.radius, '6px');
  assert.notEqual(light.rootShadow, 'none', 'ticket-widget::part(root) reaches inside');
  assert.deepEqual(light.parts, ['root', 'event-list']);
  assert.deepEqual(await seriousAxeViolations(page), [], 'the example\'s own colours read well');

  await page.locator('button[data-theme=dark]').click();
  const dark = await look();
  assert.equal(dark.price, 'rgb(45, 212, 191)', 'the page\'s dark accent');
  assert.equal(dark.surface, 'rgb(28, 25, 23)', 'the page\'s dark surface');
  assert.deepEqual(await seriousAxeViolations(page), [], 'the example\'s dark colours read well');
  await page.screenshot({ path: join(OUTPUT_DIR, 'theming-example-dark.png'), fullPage: true });
  await page.close();
});

test('language: the element\'s lang, else the page\'s <html lang>, else the browser', async () => {
  const page = await browser.newPage();
  const heading = page.locator('ticket-widget .tw-heading');
  // script-tag.html says <html lang="ru">; this browser is English.
  await page.goto(`${PAGES_URL}/script-tag.html`);
  assert.equal(await page.evaluate(() => navigator.language), 'en-US');
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  assert.equal(await heading.innerText(), 'Афиша', 'the page\'s Russian wins over the browser\'s English');
  assert.equal(await page.locator('ticket-widget .tw-root').getAttribute('lang'), 'ru');

  await page.locator('ticket-widget').evaluate((widget) => widget.setAttribute('lang', 'en'));
  await page.locator('ticket-widget .tw-root[lang=en]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  assert.equal(await heading.innerText(), 'Events', 'the element\'s lang wins over the page\'s');

  // A page in neither language: the browser's.
  await page.locator('ticket-widget').evaluate((widget) => {
    document.documentElement.lang = 'de';
    widget.removeAttribute('lang');
  });
  await page.locator('ticket-widget .tw-root[lang=en]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  assert.equal(await heading.innerText(), 'Events');
  await page.close();
});

test('the hall painted before the wasm is in the element\'s theme too', async () => {
  const page = await browser.newPage();
  // Without the wasm the painted hall stays on screen.
  await page.route('**/*.wasm', (route) => route.abort());
  // one-date.html's element, dark before the loader sees it.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const widget = document.querySelector('ticket-widget');
      if (widget) { widget.setAttribute('theme', 'dark'); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${PAGES_URL}/one-date.html`);
  await page.locator('.tw-painted [data-testid=seat]').first().waitFor({ timeout: 30_000 });
  const surface = () => page.locator('ticket-widget').evaluate(
    (widget) => getComputedStyle(widget.shadowRoot.querySelector('.tw-painted .tw-root')).backgroundColor);
  assert.equal(await surface(), 'rgb(22, 27, 38)');
  await page.locator('ticket-widget').evaluate((widget) => widget.removeAttribute('theme'));
  assert.equal(await surface(), 'rgb(255, 255, 255)', 'and follows it when it changes');
  await page.close();
});

test('the iframe embed takes theme=dark from its URL', async () => {
  const page = await browser.newPage();
  await page.goto(`${PROXY_URL}/embed?partner=${PARTNER_KEY}&lang=en&theme=dark`);
  await page.locator('[data-testid=event-card]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.tw-root').evaluate((root) => getComputedStyle(root).backgroundColor), 'rgb(22, 27, 38)');
  assert.equal(await page.locator('.tw-heading').innerText(), 'Events');
  await page.close();
});
