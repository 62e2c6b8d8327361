import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CallEnd, classifyCall, classifyEnded } from '../../src/domain/outcome/classify.js';
import { KPI_FLAG } from '../../src/domain/outcome/table.js';
import { HANGUP_BY } from '../../src/domain/vocab.js';

const end = fc.record(
  {
    sipCode: fc.oneof(
      fc.constantFrom(180, 200, 302, 401, 408, 480, 486, 487, 503, 603),
      fc.integer({ min: 100, max: 699 }),
    ),
    q850: fc.oneof(fc.constantFrom(16, 17, 18, 19, 21, 34, 102), fc.integer({ min: 0, max: 127 })),
    timeout: fc.boolean(),
    hangupBy: fc.constantFrom(...HANGUP_BY),
  },
  { requiredKeys: [] },
);

describe('classifyEnded: one verdict per ended call, shared by its listeners', () => {
  it('equals classifyCall of the same facts (without the channel) over any sequence of calls', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(end, fc.boolean()), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [e, answered] of calls) {
          const expected = classifyCall({ ended: true, answered, ...e });
          // Asked twice in a row, as the calls pack, call log and trace sink do for one event.
          const first = classifyEnded(e, answered);
          const again = classifyEnded({ ...e }, answered);
          expect(first).toEqual(expected);
          expect(again).toBe(first);
          expect(Object.isFrozen(first)).toBe(true);
        }
      }),
    );
  });

  it('classifies again when any fact differs from the last call', () => {
    const base: CallEnd = { sipCode: 486, hangupBy: 'callee' };
    expect(classifyEnded(base, false).status).toBe('busy');
    expect(classifyEnded(base, true).status).toBe('completed');
    expect(classifyEnded({ ...base, sipCode: 503 }, false).reason).toBe('network_error');
    expect(classifyEnded({ q850: 17 }, false).outcome).toBe('busy');
    expect(classifyEnded({ q850: 17, timeout: true }, false).reason).toBe('timeout');
    expect(classifyEnded({ hangupBy: 'caller' }, false).outcome).toBe('cancelled');
    expect(classifyEnded({ hangupBy: 'callee' }, false).outcome).toBe('failed');
  });

  it('differs from the channel-aware verdict only in the sip KPI flag', () => {
    fc.assert(
      fc.property(
        end,
        fc.boolean(),
        fc.constantFrom('sip', 'webrtc', 'pstn', 'gsm'),
        (e, answered, channel) => {
          const withChannel = classifyCall({ ended: true, answered, channel, ...e });
          const shared = classifyEnded(e, answered);
          expect({ ...shared, kpi: shared.kpi | (withChannel.kpi & KPI_FLAG.sip) }).toEqual(withChannel);
        },
      ),
    );
  });
});
