// How `make bench` prints a figure: a label, the measured value and, when the
// issue sets one, the target next to it with whether this run meets it.
// Benchmarks print; they never fail a build on a figure.

const LABEL_WIDTH = 46;
const VALUE_WIDTH = 22;

export function heading(text) {
  console.log(`== ${text}`);
}

export function subheading(text) {
  console.log(`  ${text}`);
}

/**
 * One line: `label  value  target … (meets|MISSES)`. `target` is the text of the
 * target (e.g. "<= 2"); `meets` is true, false, or undefined when this run
 * cannot tell (then nothing is claimed).
 */
export function figure(label, value, { target, meets, note } = {}) {
  let line = `    ${label.padEnd(LABEL_WIDTH)} ${String(value).padStart(VALUE_WIDTH)}`;
  if (target !== undefined) {
    line += `   target ${target}`;
    if (meets !== undefined) line += meets ? '  (meets)' : '  (MISSES)';
  }
  if (note) line += `   ${note}`;
  console.log(line);
}

export const count = (n) => n.toLocaleString('en-US');
export const milliseconds = (ms) => `${count(Math.round(ms))} ms`;
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
