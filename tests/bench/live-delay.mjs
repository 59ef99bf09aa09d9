// Live seats: how long after one buyer reserves a seat does another viewer's
// widget show it taken, without a reload? A viewer opens a hall (the partner
// page `one-date.html`, in Chromium); then, round after round, another buyer
// reserves a seat the viewer sees free (through the proxy's API) and the
// viewer's page notes when that seat's circle turns `unavailable` (a
// MutationObserver in the page). Node and Chromium read the same clock.
// Prints figures next to the target; asserts nothing.
import { launchChromium, PAGES_URL, PROXY_URL, PARTNER_KEY, proxyFetch } from '../browser/browser.mjs';
import { figure, milliseconds } from './lib/report.mjs';

const ROUNDS = 20;
const EVENT = 'qt:1001';
const SHOW = '2001';
const TARGET_P95_MS = 1000;

const context = await launchChromium();
const holds = [];
try {
  const viewer = await context.newPage();
  await viewer.goto(`${PAGES_URL}/one-date.html`);
  await viewer.locator('[data-testid=seat]:not([data-state])').first().waitFor({ timeout: 60_000 });
  // Let the viewer's live feed open (it opens once the hall's first reads are in).
  await viewer.waitForTimeout(1_000);
  await viewer.evaluate(() => {
    window.seenTaken = {};
    const root = document.querySelector('ticket-widget').shadowRoot;
    new MutationObserver((changes) => {
      for (const change of changes) {
        const seat = change.target;
        if (seat.dataset && seat.dataset.state === 'unavailable' && !(seat.dataset.seatId in window.seenTaken)) {
          window.seenTaken[seat.dataset.seatId] = Date.now();
        }
      }
    }).observe(root, { attributes: true, attributeFilter: ['data-state'], subtree: true });
  });
  const available = viewer.locator('[data-testid=seat]:not([data-state])');
  const delays = [];
  for (let round = 0; round < ROUNDS; round++) {
    const seatId = await available.nth(5 + round * 3).getAttribute('data-seat-id');
    const sentAt = Date.now();
    const created = await proxyFetch(`${PROXY_URL}/v1/holds`, {
      method: 'POST',
      headers: { 'X-Partner-Key': PARTNER_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: EVENT, show: SHOW, seats: [seatId], admission: {} }),
    });
    if (created.status !== 201) throw new Error(`hold: ${created.status} ${await created.text()}`);
    holds.push((await created.json()).id);
    await viewer.waitForFunction((id) => id in window.seenTaken, seatId, { timeout: 15_000 });
    const seenAt = await viewer.evaluate((id) => window.seenTaken[id], seatId);
    delays.push(seenAt - sentAt);
  }
  delays.sort((a, b) => a - b);
  const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
  const label = `seen taken by the viewer, p50 (${ROUNDS} rounds)`;
  figure(label, milliseconds(at(0.5)));
  figure('seen taken by the viewer, p95', milliseconds(at(0.95)), { target: `<= ${TARGET_P95_MS} ms`, meets: at(0.95) <= TARGET_P95_MS });
  figure('slowest', milliseconds(delays[delays.length - 1]), { note: '(from the reservation request; Chromium and Node share the clock)' });
} finally {
  for (const id of holds) {
    await proxyFetch(`${PROXY_URL}/v1/holds/${id}`, { method: 'DELETE', headers: { 'X-Partner-Key': PARTNER_KEY } }).catch(() => {});
  }
  await context.close();
}
