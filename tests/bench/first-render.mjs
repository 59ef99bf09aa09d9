// Benchmark, not a test: cold time to first seat render of the widget versus a
// static page with the same seats pre-rendered as SVG, in the same run.
// Prints figures and ratios; asserts nothing.
import { launchChromium, fetchLayout, PAGES_URL, PROXY_URL, PARTNER_KEY } from '../browser/browser.mjs';

const RUNS = 5;
const HALLS = [
  { name: '2,000-seat hall', event: 'qt:1001', show: '2001' },
  { name: '10,000-seat hall', event: 'qt:1002', show: '2003' },
];

function staticSvgPage(layout) {
  const circles = layout.seats
    .map((seat) => `<circle cx="${seat.x}" cy="${seat.y}" r="4" class="z${seat.zone}" data-testid="seat"></circle>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>circle{fill:#4a7}</style></head><body>
<svg viewBox="0 0 ${layout.width} ${layout.height}" width="1000">${circles}</svg>
<script>performance.mark('seats');</script></body></html>`;
}

function widgetPage(hall) {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>
<ticket-widget partner="${PARTNER_KEY}" lang="ru" event="${hall.event}" show="${hall.show}"></ticket-widget>
<script src="${PROXY_URL}/widget.js" async></script></body></html>`;
}

/** Milliseconds from navigation start until a seat circle exists (in the page or a widget's shadow root). */
async function timeToFirstSeat(html) {
  const context = await launchChromium();
  try {
    const page = await context.newPage();
    // Served from the partner-pages origin so the widget is cross-origin, as in production.
    await page.route(`${PAGES_URL}/__bench__.html`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await page.goto(`${PAGES_URL}/__bench__.html`, { waitUntil: 'commit' });
    return await page.evaluate(() => new Promise((resolve) => {
      const check = () => {
        const host = document.querySelector('ticket-widget');
        const root = host ? host.shadowRoot : document;
        if (root && root.querySelector('[data-testid=seat]')) {
          requestAnimationFrame(() => resolve(performance.now()));
        } else {
          requestAnimationFrame(check);
        }
      };
      check();
    }));
  } finally {
    await context.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const hall of HALLS) {
  const layout = await fetchLayout(hall.event, hall.show);
  const staticTimes = [];
  const widgetTimes = [];
  for (let run = 0; run < RUNS; run += 1) {
    staticTimes.push(await timeToFirstSeat(staticSvgPage(layout)));
    widgetTimes.push(await timeToFirstSeat(widgetPage(hall)));
  }
  const staticMs = median(staticTimes);
  const widgetMs = median(widgetTimes);
  console.log(
    `  ${hall.name.padEnd(18)} ${String(layout.seats.length).padStart(6)} seats: ` +
    `widget ${widgetMs.toFixed(0).padStart(5)} ms, static SVG ${staticMs.toFixed(0).padStart(5)} ms, ` +
    `ratio ${(widgetMs / staticMs).toFixed(2)}x (target <= 1.5x for 10,000 seats)`,
  );
}
