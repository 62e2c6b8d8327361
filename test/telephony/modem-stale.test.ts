/**
 * A modem that stops reporting is not ready on the strength of its last report: past
 * `staleAfterSeconds` (default 300) without any modem event, readiness reads unknown, even with no
 * source heartbeat configured (issue 12). Any report makes it current again.
 */
import { describe, expect, it } from 'vitest';
import { setup, T0 } from './helpers.js';

describe('modem readiness goes stale', () => {
  it('registered, then silent past the default 300 s: unknown; a signal report: ready again', () => {
    const { bus, clock, telephony } = setup({ modems: ['modem0'] });
    bus.emit({ type: 'modem.connected' });
    bus.emit({ type: 'modem.registration', stat: 1 });
    clock.now = T0 + 300_000;
    expect(telephony.modem?.readiness()).toEqual({
      status: 'pass',
      detail: 'modem modem0 registered (home)',
    });
    clock.now = T0 + 301_000;
    expect(telephony.modem?.readiness()).toEqual({
      status: 'unknown',
      detail: 'modem modem0: no report for 301 s (stale after 300 s)',
    });
    bus.emit({ type: 'modem.signal', csq: { rssi: 18, ber: 99 } });
    expect(telephony.modem?.readiness().status).toBe('pass');
  });

  it('a known failure stays a failure however old', () => {
    const { bus, clock, telephony } = setup({ modems: ['modem0'], staleAfterSeconds: 60 });
    bus.emit({ type: 'modem.disconnected', reason: 'usb' });
    clock.now = T0 + 3_600_000;
    expect(telephony.modem?.readiness().status).toBe('fail');
  });
});
