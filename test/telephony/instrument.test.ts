import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/errors.js';
import { EventBus } from '../../src/events/bus.js';
import { Registry } from '../../src/metrics/index.js';
import { modemDisconnectReason } from '../../src/telephony/classify.js';
import { instrument } from '../../src/telephony/instrument.js';
import { PackMetrics, resolveOptions } from '../../src/telephony/pack.js';
import { sipPack } from '../../src/telephony/packs/sip.js';
import { smsPack } from '../../src/telephony/packs/sms.js';
import { PII, sample } from './helpers.js';

describe('instrument', () => {
  it('enables no pack by default, as the config does (only the source pack)', () => {
    const registry = new Registry();
    const t = instrument(new EventBus(), registry);
    expect(t.sms).toBeUndefined();
    expect(t.calls).toBeUndefined();
    expect(t.source.name).toBe('source');
    expect([...registry.all()].some((m) => m.name.includes('_sms_'))).toBe(false);
    const some = instrument(new EventBus(), new Registry(), { packs: { sms: true, calls: false } });
    expect(some.sms?.name).toBe('sms');
    expect(some.calls).toBeUndefined();
  });

  it("packs: 'all' enables every pack and returns typed helpers", () => {
    const registry = new Registry();
    const t = instrument(new EventBus(), registry, { packs: 'all' });
    for (const p of [
      'sms',
      'ussd',
      'modem',
      'calls',
      'trunks',
      'sip',
      'media',
      'voiceai',
      'pbx',
      'sim',
    ] as const) {
      expect(t[p]?.name).toBe(p);
    }
    expect(t.source.name).toBe('source');
  });

  it('close() unwires every pack; metrics stay registered', () => {
    const bus = new EventBus();
    const registry = new Registry();
    const t = instrument(bus, registry, { packs: 'all' });
    expect(bus.listenerCount()).toBeGreaterThan(40);
    t.close();
    t.close();
    expect(bus.listenerCount()).toBe(0);
    bus.emit({ type: 'sms.received', from: PII.phone });
    expect(sample(registry.render(), 'sidetone_sms_received_total')).toBe(0);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['staleAfterSeconds 0', { staleAfterSeconds: 0 }],
    ['negative window', { flapping: { reconnects: 3, windowSeconds: -1 } }],
    ['fractional reconnects', { flapping: { reconnects: 2.5, windowSeconds: 60 } }],
    ['trunk named other', { trunks: ['other'] }],
    ['empty trunk name', { trunks: [''] }],
    ['no modems', { modems: [] }],
    ['maxTracked 0', { maxTracked: 0 }],
  ];
  // Options of a library call are definitions: one class (DefinitionError) for ST_INVALID_OPTION.
  it.each(
    bad,
  )('refuses %s with a DefinitionError (ST_INVALID_OPTION) before registering anything', (_name, options) => {
    const registry = new Registry();
    expect(() => instrument(new EventBus(), registry, options)).toThrow(
      expect.objectContaining({ name: 'DefinitionError', code: 'ST_INVALID_OPTION' }),
    );
    expect([...registry.all()].filter((m) => m.name.startsWith('sidetone_sms'))).toEqual([]);
  });

  it('refuses configured names that look like PII (they would become label values)', () => {
    expect(() => instrument(new EventBus(), new Registry(), { packs: 'all', trunks: [PII.sipUri] })).toThrow(
      DefinitionError,
    );
    expect(() =>
      instrument(new EventBus(), new Registry(), { packs: 'all', operators: [PII.phone] }),
    ).toThrow(DefinitionError);
  });

  it('packs work standalone on a bus, and a second subscribe is undone by its own off()', () => {
    const registry = new Registry();
    const bus = new EventBus();
    const sms = smsPack(registry, { prefix: 'gw' });
    const off = sms.subscribe(bus);
    bus.emit({ type: 'sms.received', from: PII.phone, segments: 2 });
    off();
    bus.emit({ type: 'sms.received', from: PII.phone });
    expect(sample(registry.render(), 'gw_sms_received_total')).toBe(1);
    expect(sample(registry.render(), 'gw_sms_segments_total{direction="inbound"}')).toBe(2);
  });

  it('two packs on one registry with the same prefix share the identical metric definitions', () => {
    const registry = new Registry();
    const a = sipPack(registry);
    const b = sipPack(registry);
    a.inviteResult('inbound', 200);
    b.inviteResult('inbound', 200);
    expect(
      sample(
        registry.render(),
        'sidetone_sip_responses_total{direction="inbound",method="INVITE",class="2xx"}',
      ),
    ).toBe(2);
  });

  it('a pack cannot register a metric the catalogue does not list for it', () => {
    const m = new PackMetrics(new Registry(), resolveOptions(), 'sms');
    expect(() => m.counter('sip_requests_total')).toThrow(
      expect.objectContaining({ code: 'ST_NOT_IN_CATALOGUE' }),
    );
    expect(() => m.gauge('sms_received_total')).toThrow(
      expect.objectContaining({ code: 'ST_NOT_IN_CATALOGUE' }),
    );
  });

  const disconnects: Array<[string | undefined, string]> = [
    ['ENODEV: /dev/ttyUSB2', 'usb'],
    ['AT command timeout', 'at_timeout'],
    ['undervoltage detected', 'power'],
    ['SIM PIN required', 'sim'],
    ['network detach', 'network'],
    ['stopped by operator (SIGTERM)', 'manual'],
    [PII.body, 'other'],
    [undefined, 'other'],
  ];
  it.each(disconnects)('modem disconnect text %j -> %s', (text, reason) => {
    expect(modemDisconnectReason(text)).toBe(reason);
  });
});
