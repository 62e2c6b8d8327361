import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import type { EventOf, SidetoneEvent } from '../../src/events/types.js';
import { Registry } from '../../src/metrics/index.js';

const sms: EventOf<'sms.received'> = { type: 'sms.received', from: '+447700900123' };
const response: SidetoneEvent = { type: 'sip.response', method: 'INVITE', code: 486, direction: 'inbound' };

function errors(registry: Registry, type: string): number | undefined {
  const line = registry
    .render()
    .split('\n')
    .find((l) => l.startsWith(`sidetone_event_subscriber_errors_total{type="${type}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('EventBus', () => {
  it('delivers synchronously to listeners of the type only, typed', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('sms.received', (e) => seen.push(`sms from ${e.from.length} chars`));
    bus.on('sip.response', (e) => seen.push(`sip ${e.code}`));
    bus.emit(sms);
    expect(seen).toEqual(['sms from 13 chars']);
    bus.emit(response);
    expect(seen).toEqual(['sms from 13 chars', 'sip 486']);
  });

  it('emit with no listener does nothing and wants() says so', () => {
    const bus = new EventBus();
    expect(bus.wants('sms.received')).toBe(false);
    expect(bus.listenerCount()).toBe(0);
    expect(() => bus.emit(sms)).not.toThrow();
    bus.on('sip.response', () => {});
    expect(bus.wants('sms.received')).toBe(false);
    expect(bus.wants('sip.response')).toBe(true);
  });

  it('onAny sees every type after the typed listeners, in subscription order', () => {
    const bus = new EventBus();
    const order: string[] = [];
    const offAny = bus.onAny((e) => order.push(`any:${e.type}`));
    bus.on('sms.received', () => order.push('typed1'));
    bus.on('sms.received', () => order.push('typed2'));
    bus.emit(sms);
    bus.emit(response);
    expect(order).toEqual(['typed1', 'typed2', 'any:sms.received', 'any:sip.response']);
    expect(bus.listenerCount('sms.received')).toBe(3);
    offAny();
    bus.emit(response);
    expect(order).toHaveLength(4);
  });

  it('unsubscribe is idempotent and removes only that listener', () => {
    const bus = new EventBus();
    const a = vi.fn();
    const b = vi.fn();
    const offA = bus.on('sms.received', a);
    bus.on('sms.received', b);
    offA();
    offA();
    bus.emit(sms);
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
    expect(bus.listenerCount('sms.received')).toBe(1);
  });

  it('the same function subscribed twice is called twice and unsubscribed one at a time', () => {
    const bus = new EventBus();
    const f = vi.fn();
    const off1 = bus.on('sms.received', f);
    bus.on('sms.received', f);
    bus.emit(sms);
    expect(f).toHaveBeenCalledTimes(2);
    off1();
    bus.emit(sms);
    expect(f).toHaveBeenCalledTimes(3);
  });

  it('a listener that unsubscribes during dispatch does not disturb the current delivery', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const off = bus.on('sms.received', () => {
      calls.push('self');
      off();
    });
    bus.on('sms.received', () => calls.push('other'));
    bus.emit(sms);
    bus.emit(sms);
    expect(calls).toEqual(['self', 'other', 'other']);
  });

  it('a throwing subscriber never breaks emit or the others, and is counted by type', () => {
    const registry = new Registry();
    const onError = vi.fn();
    const bus = new EventBus({ registry, onError });
    const after = vi.fn();
    bus.on('sms.received', () => {
      throw new Error(`boom for ${sms.from}`);
    });
    bus.on('sms.received', after);
    bus.onAny(() => {
      throw 'not even an Error';
    });
    expect(() => bus.emit(sms)).not.toThrow();
    expect(() => bus.emit(sms)).not.toThrow();
    expect(after).toHaveBeenCalledTimes(2);
    expect(errors(registry, 'sms.received')).toBe(4);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'sms.received');
    // The error text (with a phone number) goes to the hook, never into the exposition.
    expect(registry.render()).not.toContain('7700900123');
  });

  it('an onError hook that throws is ignored, and unknown types from untyped callers count as other', () => {
    const registry = new Registry({ guard: { strict: true } });
    const bus = new EventBus({
      registry,
      // The subscriber-error path for a type the bus does not know: validation would drop it first.
      validate: false,
      onError: () => {
        throw new Error('hook broke');
      },
    });
    bus.onAny(() => {
      throw new Error('x');
    });
    expect(() => bus.emit({ type: '+447700900123' } as unknown as SidetoneEvent)).not.toThrow();
    expect(errors(registry, 'other')).toBe(1);
  });

  it('refuses an out-of-range event in process as over HTTP: dropped and counted, the good ones delivered', () => {
    const registry = new Registry();
    const bus = new EventBus({ registry });
    const got: unknown[] = [];
    bus.on('media.report', (e) => got.push(e.fractionLost));
    bus.emit({ type: 'media.report', fractionLost: 300 } as SidetoneEvent);
    bus.emit({ type: 'media.report', jitterMs: -5 } as SidetoneEvent);
    bus.emit({ type: 'media.report', fractionLost: 64 });
    expect(got).toEqual([64]);
    expect(bus.invalidCount).toBe(2);
    expect(registry.render()).toContain('sidetone_events_invalid_total{type="media.report"} 2');
  });

  it('uses the configured prefix for its self-metric', () => {
    const registry = new Registry();
    const bus = new EventBus({ registry, prefix: 'callstack' });
    bus.on('sms.received', () => {
      throw new Error('x');
    });
    bus.emit(sms);
    expect(registry.render()).toContain('callstack_event_subscriber_errors_total{type="sms.received"} 1');
  });

  it('re-entrant emit from a listener is delivered in order', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('sms.received', () => {
      seen.push('sms');
      bus.emit(response);
    });
    bus.on('sip.response', () => seen.push('sip'));
    bus.emit(sms);
    expect(seen).toEqual(['sms', 'sip']);
  });
});
