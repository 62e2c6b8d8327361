import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { detectPii } from '../../src/guard/pii.js';
import { callEventLog, callRef, createLogger } from '../../src/logs/index.js';
import { captureLines } from '../helpers/lines.js';

describe('call-event log', () => {
  it('keeps every call_ref, also one that reads like a phone number, and still redacts the numbers', () => {
    // Call ids whose reference the PII detector flags (seven digits in a row), and ones it does not.
    const ids = Array.from({ length: 400 }, (_, i) => `call-${i}@pbx.example`);
    const flagged = ids.filter((id) => detectPii(callRef(id)) !== undefined);
    expect(flagged.length).toBeGreaterThan(10);
    const { destination, lines } = captureLines();
    const bus = new EventBus();
    const stop = callEventLog(bus, createLogger({ level: 'info', destination }));
    for (const callId of ids) {
      bus.emit({ type: 'call.started', callId, direction: 'outbound', channel: 'sip', to: '+447700900123' });
      bus.emit({ type: 'call.ended', callId, sipCode: 486 });
    }
    stop();
    const refs = lines.map((l) => JSON.parse(l) as { call_ref?: string });
    expect(refs).toHaveLength(800);
    for (const [i, callId] of ids.entries()) {
      expect(refs[2 * i]!.call_ref).toBe(callRef(callId));
      expect(refs[2 * i + 1]!.call_ref).toBe(callRef(callId));
    }
    const text = lines.join('\n');
    expect(text).not.toContain('[redacted');
    expect(text).not.toContain('7700900123');
    expect(text).not.toContain('pbx.example');
  });
});
