import { describe, expect, it } from 'vitest';
import { HEP_ROUTE_WAIT_MS } from '../../../src/config/source-defaults.js';
import { EventBus } from '../../../src/events/bus.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { hep, sip, T0 } from './helpers.js';

/**
 * The route wait (src/sources/hep/route-wait.ts): a call whose first INVITE matched no trunk rule
 * waits, after the reorder window, for the copy that does. The addresses are a proxy's two legs as
 * Kamailio's siptrace captures them: the phone (10.0.0.10) to the proxy (10.0.0.1), then the proxy
 * to the carrier (203.0.113.9). Times in ms from T0, capture and receipt.
 */
const PHONE = '10.0.0.10';
const PROXY = '10.0.0.1';
const CARRIER = '203.0.113.9';

function setup(o: { trunks?: boolean } = {}) {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const source = new HepSource(bus, {
    reorderWindowMs: 200,
    ...(o.trunks !== false && { trunks: [{ name: 'carrier', cidrs: ['203.0.113.0/24'] }] }),
  });
  const started = () =>
    events
      .filter((e) => e.type === 'call.started')
      .map((e) => {
        const s = e as { callId: string; trunk?: string; direction: string; ts: number };
        return [s.callId, s.trunk ?? 'none', s.direction, s.ts - T0];
      });
  const send = (text: string, ts: number, src: string, dst: string, at = ts) =>
    source.handle(hep(text, { ts: T0 + ts, src, dst }), T0 + at);
  const tick = (at: number) => source.tick(T0 + at);
  return { source, events, started, send, tick };
}

const invite = (callId: string, branch: string) =>
  sip('INVITE sip:+447700900002@b.example SIP/2.0', { callId, cseq: '1 INVITE', branch });
const reply = (callId: string, code: string, branch: string, to?: string) =>
  sip(`SIP/2.0 ${code}`, { callId, cseq: '1 INVITE', branch, ...(to !== undefined && { to }) });

describe('the route wait: a call opens on the trunk its forwarded INVITE goes to', () => {
  it('a proxy that forwards 250 ms after it received (past the 200 ms window): outbound on the carrier, one attempt', () => {
    const { send, tick, started, source } = setup();
    send(invite('c1', 'z9hG4bK-in'), 0, PHONE, PROXY);
    send(reply('c1', '100 Trying', 'z9hG4bK-in'), 1, PROXY, PHONE);
    tick(240); // the window has handed both on: before the wait, c1 opened here, inbound on no trunk
    expect(started()).toEqual([]);
    expect(source.capture.tracks('c1')).toBe(true);
    send(invite('c1', 'z9hG4bK-out'), 250, PROXY, CARRIER);
    tick(460);
    expect(started()).toEqual([['c1', 'carrier', 'outbound', 0]]);
    send(reply('c1', '180 Ringing', 'z9hG4bK-out', 'x'), 900, CARRIER, PROXY);
    send(reply('c1', '180 Ringing', 'z9hG4bK-in', 'x'), 901, PROXY, PHONE);
    tick(1200);
    expect(started()).toHaveLength(1);
  });

  it('the forwarded copy arriving after the window passed its capture time (late) still brings the route', () => {
    const { send, tick, started, source } = setup();
    send(invite('c2', 'z9hG4bK-in'), 0, PHONE, PROXY);
    tick(300);
    send(invite('c2', 'z9hG4bK-out'), 5, PROXY, CARRIER, 500);
    expect(source.capture.reorder.late).toBe(1);
    expect(started()).toEqual([['c2', 'carrier', 'outbound', 0]]);
  });

  it('a call that goes to no trunk opens at its first reply beyond 100 Trying, whatever its copies', () => {
    const { send, tick, started, events } = setup();
    send(invite('c3', 'z9hG4bK-in'), 0, PHONE, PROXY);
    send(reply('c3', '100 Trying', 'z9hG4bK-in'), 1, PROXY, PHONE);
    send(invite('c3', 'z9hG4bK-out'), 2, PROXY, '10.0.0.20');
    tick(900);
    expect(started()).toEqual([]);
    send(reply('c3', '180 Ringing', 'z9hG4bK-out', 'x'), 950, '10.0.0.20', PROXY);
    tick(1200);
    expect(started()).toEqual([['c3', 'none', 'inbound', 0]]);
    // Every message waited in its order: the INVITE, the 100, then the 180 ringing.
    const types = events.filter((e) => (e as { callId?: string }).callId === 'c3').map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['call.started', 'sip.request']);
    expect(types).toContain('call.ringing');
  });

  it('a call that hears nothing but 100 Trying opens when its wait, counted from the window, is over', () => {
    const { send, tick, started, source } = setup();
    send(invite('c4', 'z9hG4bK-in'), 0, PHONE, PROXY);
    send(reply('c4', '100 Trying', 'z9hG4bK-in'), 1, PROXY, PHONE);
    tick(210); // the window hands both on; the wait runs from here
    tick(210 + HEP_ROUTE_WAIT_MS - 10);
    expect(started()).toEqual([]);
    expect(source.capture.nextDue).toBe(T0 + 210 + HEP_ROUTE_WAIT_MS);
    tick(210 + HEP_ROUTE_WAIT_MS);
    expect(started()).toEqual([['c4', 'none', 'inbound', 0]]);
    expect(source.capture.nextDue).toBeUndefined();
  });

  it('a CANCEL ends the wait, and the call is cancelled as before', () => {
    const { send, tick, started, events } = setup();
    send(invite('c5', 'z9hG4bK-in'), 0, PHONE, PROXY);
    send(
      sip('CANCEL sip:+447700900002@b.example SIP/2.0', {
        callId: 'c5',
        cseq: '1 CANCEL',
        branch: 'z9hG4bK-in',
      }),
      600,
      PHONE,
      PROXY,
    );
    send(reply('c5', '487 Request Terminated', 'z9hG4bK-in', 'x'), 610, PROXY, PHONE);
    tick(1000);
    expect(started()).toEqual([['c5', 'none', 'inbound', 0]]);
    expect(events.find((e) => e.type === 'call.ended')).toMatchObject({ callId: 'c5', sipCode: 487 });
  });

  it('a first copy that matches opens at once; without trunk rules nothing waits', () => {
    const withRules = setup();
    withRules.send(invite('c6', 'z9hG4bK-in'), 0, CARRIER, PROXY);
    withRules.tick(300);
    expect(withRules.started()).toEqual([['c6', 'carrier', 'inbound', 0]]);
    const without = setup({ trunks: false });
    without.send(invite('c7', 'z9hG4bK-in'), 0, PHONE, PROXY);
    without.tick(300);
    expect(without.started()).toEqual([['c7', 'none', 'inbound', 0]]);
  });

  it('bounded: the 65th message of a waiting call opens it, counted as route overflow', () => {
    const { send, tick, started, source } = setup();
    send(invite('c8', 'z9hG4bK-in'), 0, PHONE, PROXY);
    for (let i = 1; i <= 64; i++) send(reply('c8', '100 Trying', 'z9hG4bK-in'), i, PROXY, PHONE);
    tick(500);
    expect(started()).toEqual([['c8', 'none', 'inbound', 0]]);
    expect(source.tracker.overflow.route).toBe(1);
  });
});
