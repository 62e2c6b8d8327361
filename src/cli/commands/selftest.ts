import { EventBus } from '../../events/bus.js';
import { parseEvent } from '../../events/index.js';
import { detectPii } from '../../guard/index.js';
import { Registry } from '../../metrics/index.js';
import { instrument } from '../../telephony/index.js';
import { defineCommand } from '../args.js';
import { JSON_FLAG, SOURCE_FLAGS } from '../flags.js';
import type { Style } from '../output.js';
import { openServer, print, printJson, stdoutStyle } from './shared.js';

/** Numbers and ids planted in the script's free-form fields; none may reach the exposition. */
const PLANTED = ['+15551234567', '+447700900123', '4477009001', 'alice@example.com'];

/** One call, one SMS with its report, a modem coming up: the pipeline's main paths, PII planted. */
const SCRIPT: readonly unknown[] = [
  { type: 'modem.connected', imei: '490154203237518' },
  { type: 'modem.registration', stat: 1 },
  { type: 'modem.signal', csq: { rssi: 18, ber: 99 } },
  {
    type: 'call.started',
    callId: 'selftest-1',
    direction: 'inbound',
    channel: 'sip',
    from: PLANTED[0],
    to: PLANTED[1],
  },
  { type: 'sip.response', method: 'INVITE', code: 180, direction: 'inbound', callId: 'selftest-1' },
  { type: 'call.ringing', callId: 'selftest-1' },
  { type: 'call.answered', callId: 'selftest-1' },
  { type: 'call.ended', callId: 'selftest-1', sipCode: 200, reason: `hung up by ${PLANTED[3]}` },
  { type: 'sms.sent', to: PLANTED[2], body: `code for ${PLANTED[0]}`, reference: 7 },
  { type: 'sms.delivery_report', reference: 7, tpStatus: 0 },
];

/** Samples a family must show after the script, summed over its series. */
const EXPECT: ReadonlyArray<readonly [string, number]> = [
  ['selftest_call_attempts_total', 1],
  ['selftest_call_answered_total', 1],
  ['selftest_sms_sent_total', 1],
  ['selftest_modem_registered', 1],
];

export interface SelfTestStep {
  step: string;
  ok: boolean;
  detail: string;
}

function sum(exposition: string, name: string): number | null {
  let total: number | null = null;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Sample lines that are not `name{labels} value`: what a scraper would choke on. */
function malformed(exposition: string): string[] {
  const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEaINnf]+( [0-9]+)?$/;
  return exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !sample.test(l));
}

/**
 * Run the metrics pipeline end to end in this process (events through the bus and every pack into
 * a fresh registry, rendered in both formats) and check what comes out; with a server, also that
 * it answers scrapes and readiness. Nothing is sent to the server.
 */
export async function selfTest(server?: Awaited<ReturnType<typeof openServer>>): Promise<SelfTestStep[]> {
  const steps: SelfTestStep[] = [];
  const registry = new Registry();
  const bus = new EventBus({ registry, prefix: 'selftest' });
  const telephony = instrument(bus, registry, { prefix: 'selftest', packs: 'all' });
  let refused = 0;
  for (const raw of SCRIPT) {
    const parsed = parseEvent(raw);
    if (parsed.ok) bus.emit(parsed.event);
    else refused++;
  }
  telephony.close();
  steps.push({
    step: 'events validate and reach the bus',
    ok: refused === 0,
    detail: `${SCRIPT.length - refused} of ${SCRIPT.length} events accepted`,
  });
  const text = registry.render('prometheus');
  const om = registry.render('openmetrics');
  const bad = malformed(text);
  steps.push({
    step: 'exposition renders in both formats',
    ok: bad.length === 0 && om.endsWith('# EOF\n'),
    detail:
      bad.length === 0
        ? `${text.split('\n').length} lines of text, OpenMetrics ends with # EOF`
        : `malformed: ${bad[0]}`,
  });
  const wrong = EXPECT.filter(([name, want]) => sum(text, name) !== want);
  steps.push({
    step: 'packs count what happened',
    ok: wrong.length === 0,
    detail:
      wrong.length === 0
        ? EXPECT.map(([n, v]) => `${n} ${v}`).join(', ')
        : wrong.map(([n, v]) => `${n}: expected ${v}, got ${sum(text, n) ?? 'nothing'}`).join('; '),
  });
  const leaked = PLANTED.filter((p) => text.includes(p) || om.includes(p));
  const suspicious = text
    .split('\n')
    .find((l) => !l.startsWith('#') && detectPii(l.slice(0, l.lastIndexOf(' '))) !== undefined);
  steps.push({
    step: 'no planted number or address in the exposition',
    ok: leaked.length === 0 && suspicious === undefined,
    detail:
      leaked.length === 0 && suspicious === undefined
        ? `${PLANTED.length} values planted, 0 found`
        : `found: ${leaked.length} planted, ${suspicious ?? ''}`,
  });
  if (server !== undefined) {
    try {
      const live = await server.metrics();
      const badLive = malformed(live);
      steps.push({
        step: `${server.where} answers a scrape`,
        ok: badLive.length === 0,
        detail:
          badLive.length === 0
            ? `${live.split('\n').filter((l) => l.startsWith('# TYPE')).length} families`
            : `malformed: ${badLive[0]}`,
      });
      const health = await server.health();
      steps.push({
        step: `${server.where} readiness`,
        ok: health.readiness?.status === 'ready',
        detail: Object.entries(health.readiness?.checks ?? {})
          .map(([n, c]) => `${n} ${c.status}`)
          .join(', '),
      });
    } catch (err) {
      steps.push({ step: `${server.where} answers`, ok: false, detail: (err as Error).message });
    }
  }
  return steps;
}

function render(steps: readonly SelfTestStep[], style: Style): string {
  return steps
    .map((s) => `${s.ok ? style.green('pass') : style.red('FAIL')}  ${s.step}: ${style.dim(s.detail)}\n`)
    .join('');
}

export default defineCommand({
  description:
    'Self-test: run a scripted call, SMS and modem start-up through the event bus and every pack into a fresh registry, render both exposition formats, and check the counts and that no planted number leaks. With --url, also scrape the server and read its readiness (nothing is sent to it). Exit 0 when every step passes, 1 otherwise.',
  usage: 'sidetone test [--url URL [--token T]] [--json]',
  flags: { ...SOURCE_FLAGS, ...JSON_FLAG },
  examples: ['sidetone test', 'sidetone test --url http://127.0.0.1:9464'],
  async run({ flags }) {
    const server = flags.url === undefined ? undefined : await openServer(flags);
    try {
      const steps = await selfTest(server);
      if (flags.json) printJson({ ok: steps.every((s) => s.ok), steps });
      else print(render(steps, stdoutStyle()));
      return steps.every((s) => s.ok) ? 0 : 1;
    } finally {
      await server?.close();
    }
  },
});
