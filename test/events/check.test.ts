/**
 * The in-process limit check of `bus.emit` and the edge parse agree: both read the zod schemas, and
 * for any value of a limited field the generated check says yes exactly when `parseEvent` does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWithinLimits } from '../../src/events/check.js';
import { parseEvent } from '../../src/events/index.js';
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

  it('agrees on string lengths and enum values', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('inbound', 'outbound', 'sideways', ''),
        (id, direction) => {
          agree({ type: 'call.started', callId: id, direction, channel: 'sip' } as SidetoneEvent);
        },
      ),
      { numRuns: 500 },
    );
  });
});
