/**
 * The modem facts issue 34 turned on, as table-driven vectors: registration of the four domains
 * combined (3GPP TS 27.007 7.2 <stat>; ModemManager mm-iface-modem-3gpp.c
 * get_consolidated_reg_state for the order), +CME/+CMS ERROR classes (27.007 9.2, 27.005 3.2.5),
 * +CPIN codes (27.007 8.3) and what a SIM error says about the SIM.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGISTRATION_STATES } from '../../../src/domain/labels.js';
import { atErrorClass, isBusyError, parseAtError } from '../../../src/domain/standards/at-errors.js';
import { cpinState, simBlocks, simStateOfError } from '../../../src/domain/standards/cpin.js';
import {
  ACCESS_TECHNOLOGIES,
  consolidate,
  isRegistered,
  parseAnyRegistration,
  parseCereg,
  parseCreg,
  registrationState,
} from '../../../src/domain/standards/registration.js';
import {
  BANDS,
  parseCpsi,
  parseHcsq,
  parseQeng,
  parseSmoni,
  type VendorSignal,
} from '../../../src/domain/standards/vendor-signal.js';

describe('registration of CS, PS, EPS and 5GS combined (TS 27.007)', () => {
  // [cs, ps, eps, 5gs] last <stat> (-1: never reported or its read answered ERROR) -> state.
  it.each([
    // An LTE module camped on 3G (ublox-cellular-rs startup.md): CS and PS roaming, EPS idle.
    [[5, 5, 0, -1], 'roaming'],
    // The same with EPS read last or first: order does not matter, idle never overrides.
    [[0, -1, 5, -1], 'roaming'],
    // +CGREG: 0 while CS is roaming (ModemManager fixture): still roaming.
    [[5, 0, -1, -1], 'roaming'],
    // A domain whose read answers ERROR takes no part.
    [[-1, -1, 1, -1], 'home'],
    [[-1, -1, -1, -1], undefined],
    // Registrations with restrictions count on any domain; searching beats idle and denied.
    [[0, 0, 6, -1], 'sms_only_home'],
    [[0, 2, 3, -1], 'searching'],
    [[3, 0, 0, -1], 'denied'],
    [[3, 8, -1, -1], 'emergency_only'],
    [[0, 11, -1, -1], 'rlos'],
    [[4, 0, -1, -1], 'not_registered'],
    [[4, 4, -1, -1], 'unknown'],
    // <stat> 12 and above are not in the table: unknown, never home.
    [[12, -1, -1, -1], 'unknown'],
  ])('%j -> %s', (stats, state) => {
    const d = consolidate(stats);
    expect(d < 0 ? undefined : registrationState(stats[d] as number)).toBe(state);
  });

  it('every <stat> of the 27.007 table maps to its state; any other value is unknown', () => {
    // biome-ignore format: one per <stat>
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, -1, 1.5].map(registrationState)).toEqual([
      'not_registered', 'home', 'searching', 'denied', 'unknown', 'roaming',
      'sms_only_home', 'sms_only_roaming', 'emergency_only',
      'csfb_not_preferred_home', 'csfb_not_preferred_roaming', 'rlos',
      'unknown', 'unknown', 'unknown', 'unknown',
    ]);
  });

  it('registered when any domain is, whatever the order the domains are read in', () => {
    const stat = fc.integer({ min: -1, max: 14 });
    fc.assert(
      fc.property(fc.array(stat, { minLength: 4, maxLength: 4 }), (stats) => {
        const d = consolidate(stats);
        expect(d >= 0 && isRegistered(stats[d] as number)).toBe(stats.some(isRegistered));
        expect(d < 0).toBe(stats.every((s) => s < 0));
        // A domain that failed (-1) changes nothing when another reported.
        for (let i = 0; i < 4; i++) {
          const without = stats.map((s, j) => (j === i ? -1 : s));
          if (stats[i] !== -1 || without.every((s) => s < 0)) continue;
          expect(consolidate(without)).toBe(d);
        }
      }),
    );
  });

  it('reads a line in the form its context says: a read reply (<n>,<stat>) or unsolicited (<stat>,<lac>)', () => {
    expect(parseCreg('+CREG: 2,5', true)).toMatchObject({ n: 2, stat: 5, state: 'roaming' });
    expect(parseCreg('+CREG: 2,5', false)).toMatchObject({
      n: undefined,
      stat: 2,
      state: 'searching',
      area: '5',
    });
    // A URC that crossed the read of its own domain (stat 11 cannot be <n>): still unsolicited.
    expect(parseCereg('+CEREG: 11,"B092","0A1B2C",7', true)).toMatchObject({
      stat: 11,
      state: 'rlos',
      act: 7,
    });
    expect(parseCreg('+CREG: 14', false)).toMatchObject({ stat: 14, state: 'unknown', registered: false });
  });
});

describe('AT errors by class (TS 27.007 9.2, TS 27.005 3.2.5)', () => {
  it.each([
    ['+CME ERROR: 3', 'cme', 3, 'general'],
    ['+CME ERROR: 10', 'cme', 10, 'sim'],
    ['+CME ERROR: 11', 'cme', 11, 'sim'],
    ['+CME ERROR: 14', 'cme', 14, 'sim'],
    ['+CME ERROR: 20', 'cme', 20, 'storage'],
    ['+CME ERROR: 26', 'cme', 26, 'text'],
    ['+CME ERROR: 30', 'cme', 30, 'network'],
    ['+CME ERROR: 44', 'cme', 44, 'sim'],
    ['+CME ERROR: 148', 'cme', 148, 'packet'],
    ['+CME ERROR: 100', 'cme', 100, 'unknown'],
    ['+CME ERROR: 515', 'cme', 515, 'vendor'],
    ['+CME ERROR: SIM busy', 'cme', 14, 'sim'],
    ['+CME ERROR: incorrect password', 'cme', 16, 'sim'],
    ['+CME ERROR: something else', 'cme', undefined, 'unknown'],
    ['+CMS ERROR: 21', 'cms', 21, 'network'],
    ['+CMS ERROR: 197', 'cms', 197, 'sc'],
    ['+CMS ERROR: 304', 'cms', 304, 'me'],
    ['+CMS ERROR: 314', 'cms', 314, 'sim'],
    ['+CMS ERROR: 322', 'cms', 322, 'storage'],
    ['+CMS ERROR: 331', 'cms', 331, 'network'],
    ['+CMS ERROR:500', 'cms', 500, 'unknown'],
    ['+CMS ERROR: 350', 'cms', 350, 'vendor'],
    ['ERROR', 'error', undefined, 'unknown'],
    ['COMMAND NOT SUPPORT', 'vendor', undefined, 'vendor'],
    ['MODEM ERROR: 0', 'vendor', undefined, 'vendor'],
    ['NA', 'vendor', undefined, 'vendor'],
  ])('%s', (line, kind, code, cls) => {
    expect(parseAtError(line)).toEqual({ kind, code, class: cls });
  });

  it('is no error for a result that is not one', () => {
    expect(parseAtError('OK')).toBeUndefined();
    expect(parseAtError('+CMGS: 4')).toBeUndefined();
  });

  it('every code has one class of the bounded set, and only the busy ones are retried', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('cme' as const, 'cms' as const),
        fc.integer({ min: -5, max: 2000 }),
        (k, c) => {
          expect([
            'general',
            'sim',
            'storage',
            'text',
            'network',
            'packet',
            'sc',
            'me',
            'vendor',
            'unknown',
          ]).toContain(atErrorClass(k, c));
        },
      ),
    );
    const busy = (line: string) =>
      isBusyError(parseAtError(line) as NonNullable<ReturnType<typeof parseAtError>>);
    const lines = [
      '+CME ERROR: 14',
      '+CME ERROR: 515',
      '+CMS ERROR: 314',
      '+CMS ERROR: 517',
      '+CME ERROR: 11',
      'ERROR',
    ];
    expect(lines.filter(busy)).toEqual(lines.slice(0, 4));
  });
});

describe('SIM state (TS 27.007 8.3 +CPIN, 9.2.1 SIM errors)', () => {
  it.each([
    ['+CPIN: READY', 'ready', false],
    ['+CPIN: "READY"', 'ready', false],
    ['+CPIN: SIM PIN', 'sim_pin', true],
    ['+CPIN: SIM PUK', 'sim_puk', true],
    ['+CPIN: SIM PIN2', 'sim_pin2', false],
    ['+CPIN: PH-SIM PIN', 'ph_sim_pin', true],
    ['+CPIN: PH-NET PIN', 'personalisation', true],
    ['+CPIN: NOT INSERTED', 'not_inserted', true],
    ['+CPIN: NOT READY', 'not_ready', true],
    ['+CPIN: SOMETHING NEW', 'unknown', false],
  ])('%s -> %s', (line, state, blocks) => {
    expect(cpinState(line)).toBe(state);
    expect(simBlocks(cpinState(line) as NonNullable<ReturnType<typeof cpinState>>)).toBe(blocks);
  });

  it('reads the SIM from the errors that state it', () => {
    expect([10, 11, 12, 13, 14, 15, 17, 18, 3, 30].map((c) => simStateOfError('cme', c) ?? '-')).toEqual([
      'not_inserted',
      'sim_pin',
      'sim_puk',
      'failure',
      'busy',
      'failure',
      'sim_pin2',
      'sim_puk2',
      '-',
      '-',
    ]);
    expect([310, 311, 313, 314, 316, 330].map((c) => simStateOfError('cms', c) ?? '-')).toEqual([
      'not_inserted',
      'sim_pin',
      'failure',
      'busy',
      'sim_puk',
      '-',
    ]);
  });
});

describe('the modem parsers on any line a modem could send', () => {
  // A field: a number, a quoted or bare hex string, empty, or noise.
  const field = fc.oneof(
    fc.integer({ min: -5, max: 300 }).map(String),
    fc.stringMatching(/^[0-9A-Fa-f]{0,10}$/).map((h) => `"${h}"`),
    fc.stringMatching(/^[0-9A-Fa-f]{0,10}$/),
    fc.constant(''),
    fc.string({ maxLength: 6 }),
  );
  const line = (prefix: string) =>
    fc
      .tuple(fc.array(field, { maxLength: 16 }), fc.constantFrom(',', ', '))
      .map(([f, sep]) => `${prefix}${f.join(sep)}`);

  it('never throw; a registration is one of the bounded states, a signal value is finite', () => {
    let registrations = 0;
    const start = fc.tuple(
      fc.constantFrom('+CREG: ', '+CGREG:', '+CEREG: ', '+C5GREG: '),
      // Mostly a number first (a <n> or <stat>), sometimes anything.
      fc.oneof(
        fc.integer({ min: 0, max: 15 }).map((n) => `${n},`),
        fc.string({ maxLength: 2 }),
      ),
    );
    fc.assert(
      fc.property(
        start.chain(([prefix, junk]) => line(prefix + junk)),
        fc.boolean(),
        (l, solicited) => {
          const r = parseAnyRegistration(l, solicited);
          if (r === undefined) return;
          registrations++;
          expect(REGISTRATION_STATES).toContain(r.state);
          expect(r.cell === undefined || /^[0-9A-F]{1,16}$/.test(r.cell)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    expect(registrations).toBeGreaterThan(100);
    // Lines the parsers read (not only refuse): the property says something about values.
    let read = 0;
    const finite = (s: VendorSignal | undefined) => {
      if (s !== undefined && Object.keys(s).length > 1) read++;
      for (const v of Object.values(s ?? {}))
        if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      if (s !== undefined) expect(ACCESS_TECHNOLOGIES).toContain(s.tech);
      if (s?.band !== undefined) expect(BANDS).toContain(s.band);
    };
    const vendorLine = fc
      .tuple(
        fc.constantFrom('+QENG: "servingcell","NOCONN",', '+QENG: ', '^HCSQ: ', '+CPSI: ', '^SMONI: '),
        fc.constantFrom('LTE', 'WCDMA', 'GSM', 'NR5G-SA', 'NR5G-NSA', 'NOSERVICE', 'LTE CAT-M1'),
        fc.constantFrom('"', ''),
      )
      .chain(([prefix, tech, q]) => line(`${prefix}${q}${tech}${q},`));
    fc.assert(
      fc.property(vendorLine, (l) => {
        finite(parseHcsq(l));
        finite(parseCpsi(l));
        finite(parseSmoni(l));
        finite(parseQeng([l, l.replace('"servingcell","NOCONN",', '')]));
        parseAtError(`+CME ERROR: ${l}`);
        cpinState(`+CPIN: ${l}`);
      }),
      { numRuns: 2000 },
    );
    expect(read).toBeGreaterThan(40);
  });
});
