import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { renderEventsMarkdown } from '../../src/events/docs.js';
import { assertEvent, EVENT_SCHEMAS, EVENT_TYPES, parseEvent } from '../../src/events/schemas.js';
import { FIXTURES } from '../telephony/fixtures.js';

const now = () => 1_700_000_000_000;

describe('parseEvent', () => {
  it('accepts every representative event and returns it unchanged apart from ts', () => {
    const all = Object.values(FIXTURES).flat();
    for (const e of all) {
      const r = parseEvent(JSON.parse(JSON.stringify(e)), { now });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) expect(r.event).toEqual({ ...e, ts: e.ts ?? now() });
    }
  });

  it('covers every event type in the fixtures', () => {
    const used = new Set(Object.values(FIXTURES).flatMap((list) => list.map((e) => e.type)));
    expect(EVENT_TYPES.filter((t) => !used.has(t))).toEqual([]);
    expect(EVENT_TYPES).toHaveLength(EVENT_SCHEMAS.length);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it('turns an ISO ts into epoch ms, fills a missing one, and accepts a JSON string', () => {
    const r = parseEvent('{"type":"heartbeat","ts":"2023-11-14T22:13:20.000Z"}');
    expect(r).toEqual({ ok: true, event: { type: 'heartbeat', ts: 1_700_000_000_000 } });
    expect(parseEvent({ type: 'heartbeat' }, { now })).toEqual({
      ok: true,
      event: { type: 'heartbeat', ts: now() },
    });
  });

  it('drops unknown fields', () => {
    const r = parseEvent({ type: 'sms.received', from: 'x', extra: 1 }, { now });
    expect(r.ok && 'extra' in r.event).toBe(false);
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    [
      'wrong type in a nested field',
      { type: 'modem.signal', csq: { rssi: 'x', ber: 99 } },
      'csq.rssi',
      /number/,
    ],
    ['out of range', { type: 'modem.signal', csq: { rssi: 300, ber: 99 } }, 'csq.rssi', /255/],
    ['no signal at all', { type: 'modem.signal' }, 'signal', /csq, cesq or signal/],
    ['missing required field', { type: 'sms.received' }, 'from', /string/],
    ['unknown event type', { type: 'sms.exploded' }, 'type', /sms.received/],
    [
      'bad enum',
      { type: 'call.started', callId: 'c', direction: 'sideways', channel: 'sip' },
      'direction',
      /inbound/,
    ],
    [
      'SIP code out of range',
      { type: 'sip.response', method: 'INVITE', code: 700, direction: 'inbound' },
      'code',
      /699/,
    ],
    ['bad ts string', { type: 'heartbeat', ts: 'yesterday' }, 'ts', /./],
    ['negative ts', { type: 'heartbeat', ts: -1 }, 'ts', /./],
    ['bad status word', { type: 'sim.apdu', ins: 164, sw: '90' }, 'sw', /./],
    [
      'delivery report without a status',
      { type: 'sms.delivery_report', reference: 1 },
      'tpStatus',
      /providerStatus/,
    ],
    ['nested rtcp field', { type: 'media.report', rtcp: { arrival: 1, lsr: -1, dlsr: 0 } }, 'rtcp.lsr', /./],
  ];
  it.each(bad)('rejects %s with the field path', (_name, input, path, message) => {
    const r = parseEvent(input, { now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('reports invalid JSON and non-objects at the root', () => {
    expect(parseEvent('{nope')).toMatchObject({
      ok: false,
      issues: [{ path: '', message: /not valid JSON/ }],
    });
    expect(parseEvent(42).ok).toBe(false);
    expect(parseEvent(null).ok).toBe(false);
  });

  it('assertEvent throws a ValidationError with the issues', () => {
    let err: unknown;
    try {
      assertEvent({ type: 'modem.signal', csq: { rssi: 'x', ber: 'y' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('ST_INVALID_EVENT');
    expect((err as ValidationError).issues.map((i) => i.path)).toEqual(['csq.rssi', 'csq.ber']);
    expect((err as Error).message).toMatch(/csq.rssi: .*\(and 1 more\)/);
    expect(assertEvent({ type: 'heartbeat', ts: 1_700_000_000_005 })).toEqual({
      type: 'heartbeat',
      ts: 1_700_000_000_005,
    });
    // A time before 2000 is a clock not set or a number in the wrong field: refused by name.
    expect(() => assertEvent({ type: 'heartbeat', ts: 441_234_567_890 })).toThrow(
      /ts: expected a time from 2000-01-01/,
    );
  });
});

describe('docs/events.md', () => {
  it('is generated from the schemas (regenerate: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs)', () => {
    const file = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    expect(
      file,
      'docs/events.md is stale: run npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs',
    ).toBe(renderEventsMarkdown());
  });

  it('documents every event type and flags PII fields', () => {
    const md = renderEventsMarkdown();
    for (const t of EVENT_TYPES) expect(md).toContain(`### \`${t}\``);
    expect(md).toMatch(/\| `body` \| string \(≤ 10000\) \| no \| \*\*PII\*\* \|/);
    expect(md).toMatch(/\| `csq.rssi` \| integer 0..255 \| yes \|/);
  });
});

describe('a mistyped event type', () => {
  const issues = (type: unknown) => {
    const r = parseEvent({ type, callId: 'c1' });
    return r.ok ? [] : r.issues;
  };
  it('is answered with the closest type, never the list of every type', () => {
    expect(issues('call.startd')).toEqual([
      { path: 'type', message: 'unknown event type: did you mean "call.started"?' },
    ]);
    expect(issues('Modem.Sigal')[0]?.message).toBe('unknown event type: did you mean "modem.signal"?');
    expect(issues('sip.regisration')[0]?.message).toBe(
      'unknown event type: did you mean "sip.registration"?',
    );
    // Too far from any type: the types of its family, else where the list is.
    expect(issues('sms.delivered')[0]?.message).toBe(
      'unknown event type: the sms events are sms.received, sms.sent, sms.send_failed, sms.delivery_report',
    );
    expect(issues('telemetry')[0]?.message).toMatch(
      /^unknown event type: the \d+ types are listed in docs\/events.md/,
    );
    expect(issues(undefined)[0]?.message).toMatch(
      /^expected the event type as a string, e.g. "call.started" \(missing\)/,
    );
    for (const t of ['call.startd', 'nope', 7]) {
      const message = issues(t)[0]?.message ?? '';
      expect(message.length).toBeLessThan(160);
      // The sent value is not echoed (refusals reach the audit log).
      if (typeof t === 'string') expect(message).not.toContain(t);
    }
  });
});
