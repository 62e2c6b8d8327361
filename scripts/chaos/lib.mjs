// What the chaos scenarios share: the built sidecar as a child process, clients that resend the
// same event ids until acknowledged (as a real sender does), and the read-back that counts what
// was acknowledged against what the store holds.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/bin/sidetone.js', import.meta.url));
export const HASH_KEY = 'chaos-suite-hash-key-0123456789abcdef';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * `sidetone serve` with `args` on a free port, started as a user starts it (JSON logs on stdout).
 * Resolves once it serves; `exited` resolves with its exit code or signal.
 */
export async function startServe(args, env = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      SIDETONE_STORE_HASH_KEY: HASH_KEY,
      SIDETONE_LOG_FORMAT: 'json',
      SIDETONE_PACKS_CALLS: 'true',
      SIDETONE_PACKS_SMS: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d) => {
    out += d;
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sidetone did not start in 30 s:\n${out}`)), 30_000);
    const look = () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out) ?? /(http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', look);
    exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`sidetone exited (${c}) before serving:\n${out}`));
    });
  });
  return {
    url,
    child,
    exited,
    output: () => out,
    /** Peak resident set so far (VmHWM), MiB. */
    rssPeakMiB: () => {
      try {
        return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
      } catch {
        return Number.NaN;
      }
    },
    /** SIGTERM and wait: the graceful stop (flush, close the store). */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Batches of events with fixed ids: `calls` calls (started + ended) and `sms` sent SMS each. A batch
 * is sent again, whole and with the same ids, until it is acknowledged (2xx).
 */
export function makeBatch(n, calls = 50, sms = 10) {
  const lines = [];
  const callIds = [];
  const smsIds = [];
  for (let i = 0; i < calls; i++) {
    const k = `${n}-${i}`;
    const callId = `chaos-call-${k}`;
    callIds.push(callId);
    lines.push(
      { type: 'call.started', id: `s-${k}`, callId, direction: 'outbound', channel: 'sip', trunk: 'other' },
      { type: 'call.ended', id: `e-${k}`, callId, sipCode: 200 },
    );
  }
  for (let i = 0; i < sms; i++) {
    const id = `chaos-sms-${n}-${i}`;
    smsIds.push(id);
    lines.push({ type: 'sms.sent', id, to: '+15557654321' });
  }
  return { n, callIds, smsIds, body: lines.map((l) => JSON.stringify(l)).join('\n') };
}

/**
 * Clients posting batches to `url()` (it may change across restarts), each resending its batch
 * until acknowledged, honouring `Retry-After` (at most `maxWaitMs`). Counts answers by status,
 * requests that got no answer (`unanswered`: connection refused or reset, or no answer within
 * `timeoutMs`) and the slowest answer.
 */
export class RetryingClients {
  constructor({ url, workers = 4, calls = 50, sms = 10, timeoutMs = 30_000, maxWaitMs = 1000 }) {
    this.url = url;
    this.workers = workers;
    this.calls = calls;
    this.sms = sms;
    this.timeoutMs = timeoutMs;
    this.maxWaitMs = maxWaitMs;
    this.next = 0;
    this.acked = [];
    this.sent = new Set();
    this.statuses = {};
    this.unanswered = 0;
    /** Why requests went unanswered, by error code (ECONNRESET, TimeoutError...). */
    this.unansweredWhy = {};
    this.slowestMs = 0;
    this.running = false;
    this.loops = [];
    /** Batches taken and not acknowledged yet. */
    this.inFlight = 0;
    this.retryAfterMissing = 0;
  }

  /** Start the workers: each takes a new batch once its current one is acknowledged. */
  start() {
    this.running = true;
    this.deadline = undefined;
    this.loops = Array.from({ length: this.workers }, () => this.loop());
  }

  /** Stop taking new batches; resolves when every batch taken has been acknowledged. */
  async drain(deadlineMs = 120_000) {
    this.running = false;
    this.deadline = Date.now() + deadlineMs;
    await Promise.all(this.loops);
  }

  async loop() {
    while (this.running) {
      const b = makeBatch(this.next++, this.calls, this.sms);
      for (const id of b.callIds) this.sent.add(id);
      this.inFlight++;
      await this.deliver(b);
      this.inFlight--;
    }
  }

  async deliver(b) {
    for (;;) {
      if (!this.running && this.deadline !== undefined && Date.now() > this.deadline) {
        throw new Error(`batch ${b.n} not acknowledged before the deadline`);
      }
      const t0 = performance.now();
      let res;
      try {
        res = await fetch(`${this.url()}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: b.body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer();
      } catch (err) {
        this.unanswered++;
        const why = err?.cause?.code ?? err?.name ?? 'error';
        this.unansweredWhy[why] = (this.unansweredWhy[why] ?? 0) + 1;
        await sleep(100);
        continue;
      }
      const ms = performance.now() - t0;
      if (ms > this.slowestMs) this.slowestMs = ms;
      this.statuses[res.status] = (this.statuses[res.status] ?? 0) + 1;
      if (res.ok) {
        this.acked.push(b);
        return;
      }
      // 408: the server gave up reading the request (a loaded machine); sent again like a reset.
      if (res.status === 408) {
        await sleep(100);
        continue;
      }
      if (res.status !== 503 && res.status !== 507) throw new Error(`unexpected answer ${res.status}`);
      const after = Number(res.headers.get('retry-after'));
      if (!(after >= 1)) this.retryAfterMissing++;
      await sleep(Math.min(this.maxWaitMs, (after >= 1 ? after : 0.2) * 1000));
    }
  }

  /** How the sidecar answered them. */
  figures() {
    return {
      answers503: this.statuses[503] ?? 0,
      answers507: this.statuses[507] ?? 0,
      noRetryAfter: this.retryAfterMissing,
      unanswered: this.unanswered,
      unansweredWhy: JSON.stringify(this.unansweredWhy),
      slowestAnswerS: this.slowestMs / 1000,
    };
  }

  /** Acknowledged calls and SMS. */
  ackedIds() {
    return {
      calls: this.acked.flatMap((b) => b.callIds),
      sms: this.acked.flatMap((b) => b.smsIds),
    };
  }
}

/**
 * Read the store back: of the acknowledged calls and SMS, how many are stored (`lost`: the rest);
 * and how many calls were counted more than once (`doubled`): in the store's rollups (their total
 * past the calls it holds) and, given the sidecar's last scrape, in its metrics (call attempts past
 * the calls sent; only meaningful within one process lifetime).
 */
export async function readBack(store, clients, metricsText) {
  const { calls, sms } = clients.ackedIds();
  let lost = 0;
  for (const id of calls) if ((await store.getCall(id)) === undefined) lost++;
  for (const id of sms) if ((await store.getSms(id)) === undefined) lost++;
  const range = { from: 0, to: Date.now() + 86_400_000 };
  let held = 0;
  for await (const _ of store.iterateCalls(range)) held++;
  const rolledUp = (await store.stats(range)).total;
  const rolledTwice = Math.max(0, rolledUp - held);
  const countedTwice =
    metricsText === undefined
      ? 0
      : Math.max(0, sumSamples(metricsText, 'sidetone_call_attempts_total') - clients.sent.size);
  return {
    acknowledged: calls.length + sms.length,
    stored: calls.length + sms.length - lost,
    lost,
    doubled: rolledTwice + countedTwice,
    rolledTwice,
    countedTwice,
  };
}

/**
 * End a scenario: wait until every batch is acknowledged, scrape the metrics (when `metrics`: one
 * process lifetime), stop the sidecar gracefully and read the store back (`openStore()`). Returns
 * the read-back figures, the exit and how the clients were answered.
 */
export async function finish(serve, clients, openStore, { metrics = true } = {}) {
  await clients.drain();
  const text = metrics ? await (await fetch(`${serve.url}/metrics`)).text() : undefined;
  const rssPeakMiB = serve.rssPeakMiB();
  const exit = await serve.stop();
  const store = await openStore();
  try {
    return { ...(await readBack(store, clients, text)), exit, ...clients.figures(), rssPeakMiB };
  } finally {
    await store.close();
  }
}

/** The sum of every sample of `name` in a text exposition. */
export function sumSamples(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** GET `path` (status and JSON body, or undefined when unanswered within `timeoutMs`). */
export async function getJson(url, path, timeoutMs = 5000) {
  try {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  } catch {
    return undefined;
  }
}

/** Poll `/readyz` until it answers `status` (resolves with the ms it took), or throw after `ms`. */
export async function waitReady(url, status = 200, ms = 60_000) {
  const t0 = Date.now();
  for (;;) {
    const r = await getJson(url, '/readyz');
    if (r?.status === status) return Date.now() - t0;
    if (Date.now() - t0 > ms)
      throw new Error(`/readyz did not answer ${status} within ${ms} ms (last: ${r?.status})`);
    await sleep(100);
  }
}

/** A scenario whose figures break what must hold: thrown with the figures, which still print. */
export class ChaosFailure extends Error {
  constructor(message, figures) {
    super(message);
    this.figures = figures;
  }
}

/**
 * Return `figures`, or throw ChaosFailure naming each figure that is not what `expected` says
 * (a number: equal; a function: true of the value).
 */
export function check(figures, expected) {
  const bad = [];
  for (const [k, want] of Object.entries(expected)) {
    const v = figures[k];
    if (typeof want === 'function' ? !want(v) : v !== want) bad.push(`${k} = ${v}`);
  }
  if (bad.length > 0) throw new ChaosFailure(`must not happen: ${bad.join(', ')}`, figures);
  return figures;
}
