// The running stack as a benchmark sees it (started by scripts/bench.sh):
// the proxy, the upstream simulator's admin API, the demo partner, and
// addresses for virtual viewers.

export const PROXY_URL = process.env.PROXY_URL ?? 'http://127.0.0.1:8787';
export const SIM_URL = process.env.SIM_URL ?? 'http://127.0.0.1:8790';
/** The demo partner of tests/integration/partners.test.json (clearly fake key). */
export const PARTNER_KEY = 'pk_demo_0000000000000000';
export const PARTNER_ORIGIN = 'http://127.0.0.1:8080';

/** What the widget sends with every API call; add `CF-Connecting-IP` per viewer. */
export const widgetHeaders = { 'X-Partner-Key': PARTNER_KEY, Origin: PARTNER_ORIGIN };

/** The simulator's upstream request log: `[{provider, method, path, query, authorized}]`. */
export async function upstreamRequests() {
  const response = await fetch(`${SIM_URL}/_sim/requests`);
  if (!response.ok) throw new Error(`GET /_sim/requests: ${response.status}`);
  return response.json();
}

export async function clearUpstreamRequests() {
  const response = await fetch(`${SIM_URL}/_sim/requests`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /_sim/requests: ${response.status}`);
}

let nextViewer = 0;
/**
 * A client address no other viewer of this run has (`10.x.y.z`): under
 * `wrangler dev` a client-sent `CF-Connecting-IP` passes through, so each
 * virtual viewer is its own client to the rate limiter, as in a real crowd.
 */
export function newViewerAddress() {
  const n = ++nextViewer;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export async function healthy() {
  try {
    const response = await fetch(`${PROXY_URL}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
