/**
 * The in-process limit check of `bus.emit` and the edge parse agree: both read the zod schemas, and
 * for any value of a limited field the generated check says yes exactly when `parseEvent` does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/events/index.js';
import { isWithinLimits } from '../../src/events/predicates.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { FIXTURES } from '../telephony/fixtures.js';

const agree = (event: SidetoneEvent) => expect(isWithinLimits(event)).toBe(parseEvent(event).ok);

describe('isWithinLimits', () => {
  it('accepts every fixture event the edge accepts', () => {
    for (const e of Object.values(FIXTURES).flat())
      if (parseEvent(e).ok) expect(isWithinLimits(e), e.type).toBe(true);
  });

  it('agrees with parseEvent on numbers: range, integers, NaN and infinities', () => {
    const n = fc.oneof(
      fc.double(),
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 255, 256, 0, -0.5),
    );
    fc.assert(
      fc.property(n, n, n, (fraction, code, jitterMs) => {
        agree({ type: 'media.report', fractionLost: fraction } as SidetoneEvent);
        agree({ type: 'sip.response', method: 'INVITE', direction: 'inbound', code } as SidetoneEvent);
        agree({ type: 'media.report', jitterMs } as SidetoneEvent);
        agree({ type: 'modem.signal', csq: { rssi: code, ber: 99 } } as SidetoneEvent);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on string lengths, counted in code points as zod counts them, and enum values', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', minLength: 90, maxLength: 210 })),
        fc.constantFrom('inbound', 'outbound', 'sideways', ''),
        (id, direction) => {
          agree({ type: 'call.started', callId: id, direction, channel: 'sip' } as SidetoneEvent);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees on the rules across fields, and refuses what a rule cannot read without throwing', () => {
    const u32 = fc.oneof(fc.nat(), fc.constantFrom(2 ** 32, -1, 0.5));
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -10, max: 2e9 })),
        fc.option(fc.integer({ min: -10, max: 96_000 })),
        fc.option(fc.record({ arrival: u32, lsr: u32, dlsr: u32 })),
        (jitter, clockRate, rtcp) => {
          const e: Record<string, unknown> = { type: 'media.report', callId: 'c1' };
          if (jitter !== null) e.jitter = jitter;
          if (clockRate !== null) e.clockRate = clockRate;
          if (rtcp !== null) e.rtcp = rtcp;
          agree(e as SidetoneEvent);
        },
      ),
      { numRuns: 500 },
    );
    agree({ type: 'modem.signal' } as SidetoneEvent); // needs one of csq, cesq, signal
    agree({ type: 'modem.signal', csq: { rssi: 18, ber: 99 } } as SidetoneEvent);
    agree({ type: 'sms.delivery_report', messageId: 'm1' } as SidetoneEvent); // needs a status
    agree({ type: 'sms.delivery_report', messageId: 'm1', tpStatus: 0 } as SidetoneEvent);
    // Values of the wrong shape are refused, not thrown past bus.emit.
    for (const rtcp of [null, 'x', [], { arrival: 'x' }])
      expect(isWithinLimits({ type: 'media.report', rtcp } as unknown as SidetoneEvent)).toBe(false);
  });
});
