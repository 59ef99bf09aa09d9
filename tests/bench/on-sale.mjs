// `make bench`, part "on sale at scale": every figure of issue 8's targets,
// one section per measurement. Runs on a freshly started stack (scripts/bench.sh)
// before anything else has read the big halls, so the first crowd meets a cold
// edge cache. Prints figures next to their targets; asserts nothing.
//
// Adding a measurement: write `tests/bench/<name>.mjs` exporting an async
// function that prints its figures with `figure()` from ./lib/report.mjs (the
// helpers in ./lib/ give the stack's URLs, the simulator's request log and
// faults, viewer addresses and a crowd), or a script that prints when it is
// imported, and add `{ title, measure }` below.

import { heading } from './lib/report.mjs';
import { measureCrowds } from './crowd.mjs';

const SECTIONS = [
  {
    title: 'crowd: 1,000 viewers of one show, 100 at a time, each from its own address (layout + availability)',
    measure: measureCrowds,
  },
  {
    title: 'slow upstream: a 10-seat QTickets hold while every upstream call takes 3.5 s',
    measure: () => import('./slow-hold.mjs'),
  },
  {
    title: 'live seats: a seat reserved by one buyer shows as taken in another viewer\'s widget',
    measure: () => import('./live-delay.mjs'),
  },
];

for (const section of SECTIONS) {
  heading(section.title);
  await section.measure();
}
