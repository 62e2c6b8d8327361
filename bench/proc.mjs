// What the benches share to run each side (sidetone, an opponent, a floor) in a process of its own
// and to measure it from outside: a forked child that answers over IPC, CPU clocks, a process's
// CPU time and memory read from /proc, the machine's load average. One definition for every bench.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * This process's CPU time in ns, every thread (GC helpers included): what a side costs the machine
 * whatever else runs on it. getrusage accounts with the scheduler's ns clock; µs resolution.
 */
export const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

/**
 * CPU time of another process, ns: the sum over its threads of the scheduler's run time
 * (/proc/<pid>/task/<tid>/schedstat), so a measure window of a second resolves a few µs of work
 * (the clock-tick counters of /proc/<pid>/stat step by 10 ms). A thread that exited takes its time
 * with it; the benches measure servers whose threads live as long as they do.
 */
export function procCpuNs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns;
}

/** Resident set (VmRSS) and its high-water mark (VmHWM) of a process, MiB, every thread counted. */
export function procMemMib(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** The 1-minute load average, 2 decimals: printed with every figure (the machine is shared). */
export const load1 = () => Number(loadavg()[0].toFixed(2));

/**
 * Fork `file` with `args` (Node flags in `execArgv`), and hand back the child with `next(match)`:
 * the next IPC message for which `match` is true. The child's stdout and stderr pass through.
 */
export function forkChild(file, args = [], { execArgv = ['--expose-gc'], env = process.env } = {}) {
  const proc = fork(file instanceof URL ? file.pathname : file, args, { execArgv, env, stdio: 'inherit' });
  const queue = [];
  const waiting = [];
  proc.on('message', (m) => {
    const at = waiting.findIndex((w) => w.match(m));
    if (at >= 0) waiting.splice(at, 1)[0].resolve(m);
    else queue.push(m);
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  exited.then((code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${file} ${args.join(' ')} exited ${code}`));
  });
  return {
    proc,
    exited,
    next(match = () => true) {
      const at = queue.findIndex(match);
      if (at >= 0) return Promise.resolve(queue.splice(at, 1)[0]);
      return new Promise((resolve, reject) => waiting.push({ match, resolve, reject }));
    },
  };
}

/** Run a child to its one answer (its last message) and its exit; a non-zero exit throws. */
export async function childResult(file, args, options) {
  const c = forkChild(file, args, options);
  let last;
  c.proc.on('message', (m) => {
    last = m;
  });
  const code = await c.exited;
  if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${code}`);
  return last;
}

/** In a child: send the parent its one answer, then exit once it is sent. */
export const reply = (value) => process.send(value, () => process.exit(0));

/** Median of numbers. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
