// `make bench`: what the per-request checks cost. Median and p95 of 200
// sequential requests (after a warm-up) to routes that do no upstream work:
// /healthz and /v1/openapi.json skip the partner directory (KV) and the rate
// limiter (a Durable Object); a cached /v1/events and layout go through both.
// Prints figures and the ratio; asserts nothing.
const proxy = process.env.PROXY_URL ?? "http://127.0.0.1:8787";
const key = { "X-Partner-Key": "pk_demo_0000000000000000" };

async function measure(path, headers, runs = 200) {
  for (let i = 0; i < 5; i++) await (await fetch(proxy + path, { headers })).arrayBuffer();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(proxy + path, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs / 2)], p95: times[Math.floor(runs * 0.95)] };
}

const rows = [
  ["/healthz (no KV, no limiter)", "/healthz", {}],
  ["/v1/openapi.json (no KV, no limiter)", "/v1/openapi.json", {}],
  ["/v1/events, edge-cache HIT", "/v1/events", key],
  ["layout 2,184 seats, edge-cache HIT", "/v1/events/qt:1001/shows/2001/layout", key],
];
const results = [];
for (const [name, path, headers] of rows) {
  const { p50, p95 } = await measure(path, headers);
  results.push(p50);
  console.log(`  ${name.padEnd(40)} p50 ${p50.toFixed(2).padStart(6)} ms   p95 ${p95.toFixed(2).padStart(6)} ms`);
}
console.log(`  partner check + rate limit cost (events p50 - healthz p50): ${(results[2] - results[0]).toFixed(2)} ms (${(results[2] / results[0]).toFixed(1)}x)`);
