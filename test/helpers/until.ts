import { readFileSync } from 'node:fs';
import { timeFactor } from '../setup/time-factor.js';

/**
 * Poll `probe` until it returns something other than `undefined` or `false`, and return that.
 * The one way a test waits (issue 48: no fixed sleeps): it waits for a condition, never for a set
 * time, and fails only at the deadline, which SIDETONE_TEST_TIME_FACTOR scales. A probe that
 * throws counts as not yet (the last error is in the timeout's message).
 * @example await until(async () => (await fetch(`${url}/readyz`)).status === 503, '/readyz 503');
 */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  { timeoutMs = 20_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs * timeFactor();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Whether a socket of this machine is bound to local `port` (UDP) or listens on it (TCP, state
 * 0A), read from /proc/net/{udp,tcp} (proc(5)): the sign another process (a sipp UAS, Kamailio)
 * is ready to receive, without sending it anything it would count. With `pid`, in that process's
 * network namespace (/proc/<pid>/net is its namespace's view): a process started by `ip netns exec`.
 */
export function bound(port: number, protocol: 'udp' | 'tcp', pid?: number): boolean {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync(`/proc/${pid === undefined ? '' : `${pid}/`}net/${protocol}`, 'latin1')
    .split('\n')
    .some((line) => {
      const f = line.trim().split(/\s+/);
      return f[1]?.endsWith(local) === true && (protocol === 'udp' || f[3] === '0A');
    });
}
