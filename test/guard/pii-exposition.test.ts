import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/index.js';

function luhnComplete(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** PII of every kind the guard knows, each with the secret part the exposition must never contain. */
const pii = fc.oneof(
  digits(10).map((d) => ({ kind: 'phone', secret: d, text: `+1${d}` })),
  digits(7).map((d) => ({ kind: 'phone', secret: d.slice(3), text: `(030) ${d.slice(0, 3)}-${d.slice(3)}` })),
  digits(14).map((d) => ({ kind: 'imei', secret: luhnComplete(d), text: luhnComplete(d) })),
  digits(17).map((d) => ({ kind: 'iccid', secret: luhnComplete(`89${d}`), text: luhnComplete(`89${d}`) })),
  fc.emailAddress().map((e) => ({ kind: 'email', secret: e, text: e })),
  fc.uuid().map((u) => ({ kind: 'id', secret: u, text: u })),
  fc.ipV4().map((ip) => ({ kind: 'ip', secret: ip, text: `from ${ip}` })),
  fc
    .stringMatching(/^[0-9a-f]{32}$/)
    .map((h: string) => ({ kind: 'token', secret: `AC${h}`, text: `AC${h}` })),
  digits(8).map((d) => ({ kind: 'sip_uri', secret: `sip:${d}`, text: `sip:${d}@pbx.example.com` })),
);

const surround = fc.constantFrom('', ' ', 'to ', 'Ünïcødé ☎ ', 'err="', '\n', '\\', ': ', '[', '"');

describe('PII never reaches the exposition', () => {
  it('free label values carrying PII are redacted and the counters add up', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(surround, pii, surround), { minLength: 1, maxLength: 20 }), (items) => {
        const r = new Registry();
        const c = r.counter({ name: 'sms_failed_total', help: 'x', labels: ['reason'] });
        for (const [pre, p, post] of items) c.labels({ reason: `${pre}${p.text}${post}` }).inc();
        for (const format of ['prometheus', 'openmetrics'] as const) {
          // Where PII could leak: label sets and HELP/TYPE lines. Sample values and timestamps are
          // numbers that may contain any short digit run by chance.
          const exposed = r
            .render(format)
            .split('\n')
            .map((l) => (l.startsWith('#') ? l : l.slice(0, l.lastIndexOf('}') + 1)))
            .join('\n');
          for (const [, p] of items) expect(exposed).not.toContain(p.secret);
        }
        let redacted = 0;
        const text = r.render();
        for (const line of text.split('\n')) {
          if (line.startsWith('sidetone_label_values_redacted_total{'))
            redacted += Number(line.split(' ').pop());
        }
        expect(redacted).toBe(items.length);
        expect(c.get({ reason: 'redacted' })).toBe(items.length);
      }),
      { numRuns: 200 },
    );
  });
});
