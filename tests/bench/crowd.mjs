// `make bench`, on-sale figures: a crowd of 1,000 viewers of one show, 100 at
// a time, each from its own client address, each fetching the hall's layout
// and availability with the demo partner's key and an allowed Origin — for the
// biggest hall of each provider. Counts the upstream hall reads in the
// simulator's request log, on a cold edge cache and again once the
// availability has gone stale, and prints latency, errors and the proxy's
// health next to the targets. Asserts nothing.

import { runCrowd } from './lib/crowd.mjs';
import { figure, subheading, count, milliseconds, seconds } from './lib/report.mjs';
import { proxyProcesses, watchProcesses } from './lib/processes.mjs';
import { PROXY_URL, clearUpstreamRequests, upstreamRequests, healthy, sleep } from './lib/stack.mjs';

const VIEWERS = 1_000;
const AT_ONCE = 100;
/** The targets of issue 8 ("On-sale at scale"). */
const TARGET_WALL_MS = 10_000;
const TARGET_COLD_HALL_READS = 2;
const TARGET_P99_MS = 500;
/** core/src/cache_policy.rs: availability is fresh for 5 s; one upstream read per interval is the target. */
const AVAILABILITY_FRESH_MS = 5_000;

const TC_SWAN_LAKE = '5f1a0c0e2b3c4d5e6f708192';

/** The biggest hall of each provider in the simulator's seed (tests/upstream-sim/src/demo_data/). */
export const HALLS = [
  {
    name: 'QTickets, Фетисов Арена (10,120 seats)',
    event: 'qt:1002',
    show: '2003',
    // One hall read = one events/seats call.
    hallReads: (log) => log.filter((entry) => entry.path.startsWith('/qtickets/api/partners/v1/events/seats/1002')).length,
    describe: (log) => `${count(log.length)} upstream requests in all`,
  },
  {
    name: 'TicketsCloud, Лебединое озеро (largest seated TicketsCloud hall)',
    event: `tc:${TC_SWAN_LAKE}`,
    show: TC_SWAN_LAKE,
    // One hall read = the event's ticket list (its sets come from the listing, read on a cold hall and then
    // every 30 s for admission counts, or at a price rule's end).
    hallReads: (log) => log.filter((entry) => entry.path === `/ticketscloud/v1/resources/events/${TC_SWAN_LAKE}/tickets`).length,
    describe: (log) => {
      const pages = log.filter((entry) => entry.path === '/ticketscloud/v1/services/simple/events').length;
      const lists = log.filter((entry) => entry.path.endsWith('/tickets')).length;
      return `${count(pages)} listing pages + ${count(lists)} ticket lists`;
    },
  },
];

const meets = (value, limit) => value <= limit;

/** One crowd against `hall`; prints its figures. `allowedReads(wallMs)` is the target number of hall reads. */
async function crowdFigures(hall, phase, allowedReads, targetText) {
  await clearUpstreamRequests();
  const base = `/v1/events/${hall.event}/shows/${hall.show}`;
  const processes = proxyProcesses(Number(new URL(PROXY_URL).port));
  const watch = watchProcesses(processes);
  const crowd = await runCrowd({ paths: [`${base}/layout`, `${base}/availability`], viewers: VIEWERS, atOnce: AT_ONCE });
  const peaks = watch.stop();
  const log = await upstreamRequests();
  const reads = hall.hallReads(log);
  const allowed = allowedReads(crowd.wallMs);
  const cache = Object.entries(crowd.cacheStatuses).map(([status, n]) => `${status} ${count(n)}`).join(', ');

  subheading(`${phase}: ${cache}`);
  figure('upstream hall reads (simulator request log)', count(reads), {
    target: targetText(allowed),
    meets: meets(reads, allowed),
    note: `(${hall.describe(log)})`,
  });
  figure(`${count(VIEWERS)} viewers, ${AT_ONCE} at a time, took`, seconds(crowd.wallMs), {
    target: `<= ${seconds(TARGET_WALL_MS)}`,
    meets: meets(crowd.wallMs, TARGET_WALL_MS),
  });
  figure('latency p50 / p99 (layout and availability)', `${milliseconds(crowd.p50)} / ${milliseconds(crowd.p99)}`, {
    target: `p99 <= ${TARGET_P99_MS} ms`,
    meets: meets(crowd.p99, TARGET_P99_MS),
  });
  const errors = crowd.notOk + crowd.noAnswer;
  const statuses = Object.entries(crowd.statuses).filter(([status]) => status >= 300).map(([status, n]) => `${status}: ${n}`);
  figure('errors (non-2xx + no answer within 30 s)', `${count(crowd.notOk)} + ${count(crowd.noAnswer)}`, {
    target: '0',
    meets: errors === 0,
    note: statuses.length ? `(${statuses.join(', ')})` : undefined,
  });
  const files = Object.entries(peaks.openFiles).map(([role, n]) => `${role} ${count(n)}`).join(', ');
  figure('proxy processes: peak open files', files || 'not found', { note: `(CLOSE-WAIT sockets at peak: ${count(peaks.closeWait)})` });
}

export async function measureCrowds() {
  for (const hall of HALLS) {
    subheading(`${hall.name}: ${hall.event}, show ${hall.show}`);
    // The stack was started fresh (scripts/bench.sh) and nothing has read this hall yet.
    await crowdFigures(hall, 'cold edge cache', () => TARGET_COLD_HALL_READS, (allowed) => `<= ${allowed}`);
    // Wait until the availability the crowd left behind is stale, then come back.
    await sleep(AVAILABILITY_FRESH_MS + 1_000);
    await crowdFigures(
      hall,
      'availability stale',
      (wallMs) => Math.max(1, Math.ceil(wallMs / AVAILABILITY_FRESH_MS)),
      (allowed) => `<= ${allowed} (1 per ${seconds(AVAILABILITY_FRESH_MS)} refresh interval)`,
    );
  }
  const answers = await healthy();
  figure('/healthz answers after the crowds', answers ? 'yes' : 'NO', { target: 'yes', meets: answers });
}
