import type { ScenarioName } from '../../config/source-defaults.js';
import { STIR_ATTESTATIONS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { SidetoneEvent } from '../../events/types.js';
import type { Registry } from '../../metrics/registry.js';
import type { ScenarioContext } from './context.js';
import { FAULT_START_MS, type Fault, type FaultVerdict, faultScenario } from './faults.js';
import { leakyApp } from './leaky-app.js';
import { Rng } from './random.js';
import { call, queue, simSession, sms, ussd } from './scenarios.js';

export interface SimulatorOptions {
  /** Same seed, same traffic. Default 1. */
  seed?: number;
  /** New activities (calls, SMS, sessions...) per second. Default 1. */
  rate?: number;
  /** Trunk names; the second one degrades (more 503s, a down period). Default trunk-a, trunk-b. */
  trunks?: readonly string[];
  modem?: string;
  queues?: readonly string[];
  /** Virtual start time, epoch ms. Default now. */
  start?: number;
  /**
   * A fault scenario on top of the normal traffic (src/sources/simulator/faults.ts), starting
   * `FAULT_START_MS` after `start`; `fault()` starts one at any other time.
   */
  scenario?: ScenarioName;
  /** Where the `leaky-app` scenario's integration writes its (badly labelled) metrics. */
  registry?: Registry;
}

interface Pending {
  at: number;
  seq: number;
  event: SidetoneEvent;
}

/**
 * A deterministic telephony traffic source for `sidetone demo` and tests: a modem with drifting
 * signal and a short disconnect now and then; SMS with delivery reports; calls on two trunks with
 * every kind of failure; SIP, RTCP, voice-agent and SIM traffic. Everything goes through the same
 * bus as real events. Healthy traffic trips none of the generated alerts; a fault scenario
 * (`fault()`) trips its own.
 *
 * @example
 * const sim = new Simulator(bus, { seed: 7, rate: 2 });
 * const stop = sim.start();     // real time
 * sim.advance(Date.now() + 60_000); // or: a minute of virtual time at once
 */
export class Simulator {
  readonly rng: Rng;
  private readonly heap: Pending[] = [];
  private heapSeq = 0;
  private seq = 0;
  /** Recurring processes: each fires at `next` and reschedules itself `every` ms later. */
  private readonly periodic: Array<{ next: number; every: () => number; fire: (t: number) => void }> = [];
  private now: number;
  private nextSpawn: number;
  private readonly rate: number;
  private readonly ctx: ScenarioContext;
  private rssi = 20;
  private emitted = 0;
  private readonly faults: Fault[] = [];
  private readonly registry: Registry | undefined;

  constructor(
    private readonly bus: EventBus,
    options: SimulatorOptions = {},
  ) {
    this.rng = new Rng(options.seed ?? 1);
    this.rate = options.rate ?? 1;
    this.now = options.start ?? Date.now();
    this.nextSpawn = this.now;
    const trunks = options.trunks ?? ['trunk-a', 'trunk-b'];
    this.ctx = {
      rng: this.rng,
      schedule: { at: (at, event) => this.push(at, event) },
      trunks,
      modem: options.modem ?? 'modem0',
      queues: options.queues ?? ['support', 'sales'],
      seq: 0,
    };
    this.boot(trunks);
    this.registry = options.registry;
    if (options.scenario !== undefined) this.fault(options.scenario, this.now + FAULT_START_MS);
  }

  /**
   * Start a fault scenario at `at` (epoch ms; default `FAULT_START_MS` after the simulator's
   * present), lasting `FAULT_DURATION_MS[name]`. A demo calls it once its backfill is written, so
   * the fault happens live. Returns when it starts and ends.
   */
  fault(name: ScenarioName, at = this.now + FAULT_START_MS): { start: number; end: number } {
    const fault = faultScenario(name, { start: at, trunks: this.ctx.trunks, modem: this.ctx.modem });
    this.faults.push(fault);
    fault.schedule((t, event) => this.push(t, event));
    if (name === 'leaky-app' && this.registry !== undefined) {
      const tick = leakyApp(this.registry, this.rng);
      this.periodic.push({
        next: fault.start,
        every: () => 1000,
        fire: (t) => {
          if (t < fault.end) tick();
        },
      });
    }
    return { start: fault.start, end: fault.end };
  }

  /** Events emitted so far. */
  get count(): number {
    return this.emitted;
  }

  /** Emit every event due up to `to`, in time order, each stamped with its own time. */
  advance(to: number): number {
    const before = this.emitted;
    while (this.nextSpawn <= to) {
      this.spawn(this.nextSpawn);
      this.nextSpawn += this.rng.interval(this.rate);
    }
    for (const p of this.periodic) {
      for (; p.next <= to; p.next += p.every()) p.fire(p.next);
    }
    for (let top = this.heap[0]; top !== undefined && top.at <= to; top = this.heap[0]) {
      this.pop();
      this.now = top.at;
      let event: FaultVerdict = top.event;
      for (const f of this.faults) {
        if (event === null || typeof event === 'number') break;
        event = f.filter(event, top.at);
      }
      if (event === null) continue;
      if (typeof event === 'number') {
        this.push(event, top.event);
        continue;
      }
      if (event.type === 'modem.signal') this.driftSignal(event);
      this.bus.emit({ ...event, ts: Math.round(top.at) } as SidetoneEvent);
      this.emitted++;
    }
    this.now = to;
    return this.emitted - before;
  }

  /** Drive in real time; returns a stop function. */
  start(tickMs = 100): () => void {
    const timer = setInterval(() => this.advance(Date.now()), tickMs);
    return () => clearInterval(timer);
  }

  private spawn(t: number): void {
    this.ctx.seq = ++this.seq;
    const kind = this.rng.weighted([
      [call, 45],
      [sms, 30],
      [queue, 10],
      [simSession, 10],
      [ussd, 5],
    ] as const);
    kind(t, this.ctx);
  }

  /** The periodic parts: modem life, heartbeats, trunk probes, registrations, a disconnect now and then. */
  private boot(trunks: readonly string[]): void {
    const t0 = this.now;
    const modem = this.ctx.modem;
    const rng = this.rng;
    this.push(t0, { type: 'modem.connected', modem, model: 'SIM7600G-H', imei: '356938035643809' });
    this.push(t0 + 200, { type: 'modem.registration', modem, stat: 1, command: 'CEREG', act: 7 });
    this.push(t0 + 300, { type: 'modem.operator', modem, operator: 'Demo Mobile', act: 'LTE' });
    const every = (first: number, period: () => number, fire: (t: number) => void) =>
      this.periodic.push({ next: t0 + first, every: period, fire });
    every(
      0,
      () => 5000,
      (t) => this.push(t, { type: 'heartbeat', source: 'demo', intervalSeconds: 5 }),
    );
    every(
      500,
      () => 10_000,
      (t) => this.push(t, { type: 'modem.signal', modem, csq: { rssi: 20, ber: 0 } }),
    );
    every(
      1000,
      () => 15_000,
      (t) => {
        for (const trunk of trunks) {
          // Trunk B drops out for a minute every ten.
          const down = trunk === trunks[1] && (t - t0) % 600_000 > 540_000;
          this.push(
            t,
            down
              ? { type: 'trunk.status', trunk, up: false }
              : { type: 'trunk.status', trunk, up: true, code: 200, rttSeconds: rng.between(0.01, 0.12) },
          );
        }
      },
    );
    every(
      2000,
      () => 60_000,
      (t) => {
        const ok = rng.chance(0.95);
        this.push(t, { type: 'sip.auth', direction: 'outbound', result: 'challenge' });
        this.push(t + 50, { type: 'sip.auth', direction: 'outbound', result: ok ? 'success' : 'failure' });
        this.push(t + 60, { type: 'sip.registration', direction: 'outbound', code: ok ? 200 : 403 });
        this.push(t + 100, {
          type: 'sip.session_refresh',
          result: rng.chance(0.97) ? 'refreshed' : 'failed',
        });
        this.push(t + 150, {
          type: 'sip.stir_verification',
          result: rng.chance(0.9) ? 'passed' : 'failed',
          attestation: rng.pick(STIR_ATTESTATIONS),
        });
        this.push(t + 200, {
          type: 'sip.dtls_handshake',
          result: rng.chance(0.97) ? 'success' : 'failure',
          seconds: rng.between(0.05, 0.6),
        });
      },
    );
    // A short disconnect every 10 to 30 minutes: one, never the three in ten minutes that make
    // a modem flapping (that is the `modem-flap` scenario).
    const drop = (t: number, reason: 'usb' | 'at_timeout' | 'power') => {
      this.push(t, { type: 'modem.disconnected', modem, reason, error: 'read ECONNRESET on /dev/ttyUSB2' });
      this.push(t + 4000, { type: 'modem.reconnected', modem });
      this.push(t + 4200, { type: 'modem.registration', modem, stat: 2, command: 'CEREG' });
      this.push(t + 6000, { type: 'modem.registration', modem, stat: 1, command: 'CEREG', act: 7 });
    };
    every(
      300_000,
      () => rng.between(600_000, 1_800_000),
      (t) => drop(t, rng.pick(['usb', 'at_timeout', 'power'] as const)),
    );
  }

  /**
   * Signal follows a bounded random walk: a dashboard should show drift, not noise. The floor,
   * +CSQ 12 (-89 dBm), keeps a healthy modem clear of SidetoneModemSignalWeak (-100 dBm): a walk
   * down to +CSQ 3 (-107 dBm) sat below it for ten minutes now and then.
   */
  private driftSignal(event: SidetoneEvent): void {
    if (event.type !== 'modem.signal' || event.csq === undefined) return;
    this.rssi = Math.min(31, Math.max(12, this.rssi + this.rng.int(-2, 2)));
    event.csq.rssi = this.rssi;
  }

  private push(at: number, event: SidetoneEvent): void {
    const h = this.heap;
    h.push({ at, seq: this.heapSeq++, event });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as Pending, h[p] as Pending)) break;
      [h[i], h[p]] = [h[p] as Pending, h[i] as Pending];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Pending;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Pending, h[m] as Pending)) m = l;
      if (r < h.length && before(h[r] as Pending, h[m] as Pending)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
      i = m;
    }
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
