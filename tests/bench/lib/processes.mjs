// The proxy's local processes under `wrangler dev`, read from /proc (Linux):
// the front workerd that accepts connections on the proxy's port and its
// siblings (the Worker's own workerd), their open files, and the sockets in
// CLOSE-WAIT — what piled up when the local stack fell over under a crowd
// (ARCHITECTURE.md, "The local stack under load").

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const tables = ['/proc/net/tcp', '/proc/net/tcp6'];

function socketRows() {
  return tables.flatMap((table) => {
    try {
      return readFileSync(table, 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/)).filter((fields) => fields.length > 9);
    } catch {
      return [];
    }
  });
}

const parentOf = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
const nameOf = (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

/** `[{pid, role}]`: the process listening on `port` ("front") and the workerd processes beside it. */
export function proxyProcesses(port) {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(socketRows().filter((f) => f[1].endsWith(portHex) && f[3] === '0A').map((f) => `socket:[${f[9]}]`));
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const front = pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`)));
    } catch {
      return false;
    }
  });
  if (!front) return [];
  const launcher = parentOf(front);
  const siblings = pids.filter((pid) => {
    try {
      return pid !== front && parentOf(pid) === launcher && nameOf(pid) === nameOf(front);
    } catch {
      return false;
    }
  });
  return [{ pid: Number(front), role: 'front' }, ...siblings.map((pid, index) => ({ pid: Number(pid), role: siblings.length > 1 ? `Worker ${index + 1}` : 'Worker' }))];
}

export function openFiles(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Sockets in CLOSE-WAIT in this network namespace (`st` 08). */
export const closeWaitSockets = () => socketRows().filter((fields) => fields[3] === '08').length;

/** Samples open files per process and CLOSE-WAIT sockets every `everyMs` until `stop()`; returns the peaks. */
export function watchProcesses(processes, everyMs = 250) {
  const peaks = { closeWait: 0, openFiles: Object.fromEntries(processes.map(({ role }) => [role, 0])) };
  const sample = () => {
    peaks.closeWait = Math.max(peaks.closeWait, closeWaitSockets());
    for (const { pid, role } of processes) peaks.openFiles[role] = Math.max(peaks.openFiles[role], openFiles(pid));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
