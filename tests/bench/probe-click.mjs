import { createServer } from 'node:http';
import { launchChromium, PROXY_URL, PARTNER_KEY } from '../browser/browser.mjs';
const halls = [{ event: 'qt:1001', show: '2001' }, { event: 'qt:1002', show: '2003' }];
let mode = 'included', hall = halls[0];
const server = createServer(async (req, res) => {
  let frame = '';
  if (mode === 'included') frame = await (await fetch(`${PROXY_URL}/v1/events/${hall.event}/shows/${hall.show}/first-frame?partner=${PARTNER_KEY}&lang=ru`)).text();
  const page = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<ticket-widget partner="${PARTNER_KEY}" lang="ru" event="${hall.event}" show="${hall.show}">${frame}</ticket-widget>
<script src="${PROXY_URL}/widget.js" async></script></body></html>`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(page);
});
await new Promise((r) => server.listen(8089, '127.0.0.1', r));
for (const h of halls) for (const m of ['included', 'tag', 'included', 'tag']) {
  mode = m; hall = h;
  const context = await launchChromium();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__marks = {};
    document.addEventListener('ticket-widget:ready', () => { window.__marks.ready = performance.now(); });
    const orig = EventTarget.prototype.dispatchEvent;
    EventTarget.prototype.dispatchEvent = function (e) {
      if (e.type === 'tw-paint-adopted' || e.type === 'tw-paint-declined') window.__marks[e.type] = performance.now();
      return orig.call(this, e);
    };
  });
  await page.goto('http://127.0.0.1:8089/x.html', { waitUntil: 'commit' });
  const t = await page.evaluate(() => new Promise((resolve) => {
    let seatAt = null;
    const tick = () => {
      const host = document.querySelector('ticket-widget');
      const root = host && host.shadowRoot;
      const seat = root && root.querySelector('[data-testid=seat]');
      if (seat && seatAt === null) seatAt = performance.now();
      if (root && root.querySelector('[data-testid=seat][data-state=selected]')) {
        const r = {};
        for (const e of performance.getEntriesByType('resource')) {
          const name = e.name.replace(/^.*\//, '').replace(/\?.*$/, '');
          r[name] = [Math.round(e.startTime), Math.round(e.responseEnd)];
        }
        resolve({ seat: Math.round(seatAt), click: Math.round(performance.now()), marks: Object.fromEntries(Object.entries(window.__marks).map(([k, v]) => [k, Math.round(v)])), r });
        return;
      }
      if (seatAt !== null) {
        const target = root.querySelector('[data-testid=seat]:not([data-state=unavailable])');
        if (target) target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      }
      requestAnimationFrame(tick);
    };
    tick();
  }));
  console.log(h.show, m, JSON.stringify(t));
  await context.close();
}
server.close();
