import { describe, expect, it } from 'vitest';
import {
  cesqToValues,
  clccState,
  csqBerToPercent,
  csqToDbm,
  cusdStatus,
  isRegistered,
  parseC5greg,
  parseCereg,
  parseCesq,
  parseCgreg,
  parseCreg,
  parseCsq,
  rat,
  registrationState,
} from '../../../src/domain/standards/modem.js';

describe('csqToDbm (27.007 8.5)', () => {
  it.each([
    [0, -113], // <= -113 dBm
    [1, -111],
    [2, -109],
    [18, -77],
    [30, -53],
    [31, -51], // >= -51 dBm
    [99, undefined], // not known or not detectable
    [32, undefined],
    [-1, undefined],
    [18.5, undefined],
    [Number.NaN, undefined],
  ])('rssi %d -> %s dBm', (rssi, dbm) => {
    expect(csqToDbm(rssi)).toBe(dbm);
  });
});

describe('csqBerToPercent (TS 45.008 8.2.4 RXQUAL assumed values)', () => {
  it.each([
    [0, 0.14],
    [1, 0.28],
    [2, 0.57],
    [3, 1.13],
    [4, 2.26],
    [5, 4.53],
    [6, 9.05],
    [7, 18.1],
    [8, undefined],
    [99, undefined],
    [-1, undefined],
    [1.5, undefined],
  ])('ber %d -> %s %%', (ber, pct) => {
    expect(csqBerToPercent(ber)).toBe(pct);
  });
});

describe('cesqToValues (27.007 8.69, lower bin edge)', () => {
  const unknown = { rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 255, rsrp: 255 };
  it.each([
    ['rxlev', 0, 'rxlevDbm', -111],
    ['rxlev', 1, 'rxlevDbm', -110],
    ['rxlev', 63, 'rxlevDbm', -48],
    ['rxlev', 64, 'rxlevDbm', undefined],
    ['rxlev', 99, 'rxlevDbm', undefined],
    ['ber', 3, 'berPercent', 1.13],
    ['ber', 99, 'berPercent', undefined],
    ['rscp', 0, 'rscpDbm', -121],
    ['rscp', 1, 'rscpDbm', -120],
    ['rscp', 96, 'rscpDbm', -25],
    ['rscp', 97, 'rscpDbm', undefined],
    ['rscp', 255, 'rscpDbm', undefined],
    ['ecno', 0, 'ecnoDb', -24.5],
    ['ecno', 1, 'ecnoDb', -24],
    ['ecno', 49, 'ecnoDb', 0],
    ['ecno', 50, 'ecnoDb', undefined],
    ['ecno', 255, 'ecnoDb', undefined],
    ['rsrq', 0, 'rsrqDb', -20],
    ['rsrq', 1, 'rsrqDb', -19.5],
    ['rsrq', 20, 'rsrqDb', -10],
    ['rsrq', 34, 'rsrqDb', -3],
    ['rsrq', 35, 'rsrqDb', undefined],
    ['rsrq', 255, 'rsrqDb', undefined],
    ['rsrp', 0, 'rsrpDbm', -141],
    ['rsrp', 1, 'rsrpDbm', -140],
    ['rsrp', 60, 'rsrpDbm', -81],
    ['rsrp', 97, 'rsrpDbm', -44],
    ['rsrp', 98, 'rsrpDbm', undefined],
    ['rsrp', 255, 'rsrpDbm', undefined],
  ] as const)('%s %i -> %s %s', (field, raw, out, value) => {
    const values = cesqToValues({ ...unknown, [field]: raw });
    expect(values[out]).toBe(value);
  });

  it('all-unknown gives all undefined', () => {
    expect(Object.values(cesqToValues(unknown)).every((v) => v === undefined)).toBe(true);
  });
});

describe('registrationState / isRegistered (+CREG/+CEREG stat)', () => {
  it.each([
    [0, 'not_registered', false],
    [1, 'home', true],
    [2, 'searching', false],
    [3, 'denied', false],
    [4, 'unknown', false],
    [5, 'roaming', true],
    [6, 'sms_only_home', true],
    [7, 'sms_only_roaming', true],
    [8, 'emergency_only', false],
    [9, 'csfb_not_preferred_home', true],
    [10, 'csfb_not_preferred_roaming', true],
    [11, 'rlos', false],
    [12, 'unknown', false],
    [-1, 'unknown', false],
    [1.5, 'unknown', false],
  ])('stat %d -> %s, registered %s', (stat, state, registered) => {
    expect(registrationState(stat)).toBe(state);
    expect(isRegistered(stat)).toBe(registered);
  });
});

describe('clccState (+CLCC stat)', () => {
  it.each([
    [0, 'active'],
    [1, 'held'],
    [2, 'dialing'],
    [3, 'alerting'],
    [4, 'incoming'],
    [5, 'waiting'],
    [6, 'unknown'],
    [-1, 'unknown'],
  ])('stat %d -> %s', (stat, state) => {
    expect(clccState(stat)).toBe(state);
  });
});

describe('cusdStatus (+CUSD m)', () => {
  it.each([
    [0, 'no_further_action'],
    [1, 'further_action_required'],
    [2, 'terminated_by_network'],
    [3, 'other_client_responded'],
    [4, 'not_supported'],
    [5, 'network_timeout'],
    [6, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('m %d -> %s', (m, status) => {
    expect(cusdStatus(m)).toBe(status);
  });
});

describe('rat (+COPS AcT and free names)', () => {
  it.each([
    [0, '2g'], // GSM
    [1, '2g'], // GSM Compact
    [2, '3g'], // UTRAN
    [3, '2g'], // GSM w/EGPRS
    [4, '3g'], // HSDPA
    [5, '3g'], // HSUPA
    [6, '3g'], // HSDPA + HSUPA
    [7, '4g'], // E-UTRAN
    [8, '2g'], // EC-GSM-IoT
    [9, '4g'], // E-UTRAN NB-S1 (NB-IoT)
    [10, '4g'], // E-UTRA connected to 5GCN
    [11, '5g'], // NR connected to 5GCN
    [12, '5g'], // NG-RAN
    [13, '5g'], // E-UTRA-NR dual connectivity
    [14, 'unknown'],
    [-1, 'unknown'],
    ['7', '4g'],
    [' 12 ', '5g'],
  ] as const)('AcT %s -> %s', (act, gen) => {
    expect(rat(act)).toBe(gen);
  });

  it.each([
    ['GSM', '2g'],
    ['EDGE', '2g'],
    ['gprs', '2g'],
    ['UMTS', '3g'],
    ['WCDMA', '3g'],
    ['HSPA', '3g'],
    ['HSPA+', '3g'],
    ['TD-SCDMA', '3g'],
    ['LTE', '4g'],
    ['FDD LTE', '4g'],
    ['Cat-M1', '4g'],
    ['NB-IoT', '4g'],
    ['E-UTRAN', '4g'],
    ['NR', '5g'],
    ['NR5G-SA', '5g'],
    ['NR5G-NSA', '5g'],
    ['5G', '5g'],
    ['wifi', 'unknown'],
    ['', 'unknown'],
  ])('%s -> %s', (name, gen) => {
    expect(rat(name)).toBe(gen);
  });

  it('handles missing values', () => {
    expect(rat(undefined)).toBe('unknown');
    expect(rat(null)).toBe('unknown');
    expect(rat(Number.NaN)).toBe('unknown');
  });
});

describe('parseCsq', () => {
  it.each([
    ['+CSQ: 18,99', { rssi: 18, ber: 99, dbm: -77, berPercent: undefined }],
    ['+CSQ:31,0\r\n', { rssi: 31, ber: 0, dbm: -51, berPercent: 0.14 }],
    ['  +csq: 0, 7', { rssi: 0, ber: 7, dbm: -113, berPercent: 18.1 }],
    ['+CSQ: 99,99', { rssi: 99, ber: 99, dbm: undefined, berPercent: undefined }],
  ])('%j', (line, expected) => {
    expect(parseCsq(line)).toEqual(expected);
  });

  it.each([
    'AT+CSQ',
    '+CSQ: x,99',
    '+CSQ: 18',
    '+CSQ: 18,99,1',
    'ERROR',
    '',
    '+CREG: 0,1',
    '+CSQ: -1,99',
  ])('%j -> undefined', (line) => {
    expect(parseCsq(line)).toBeUndefined();
  });

  it('never throws on non-strings', () => {
    expect(parseCsq(undefined as unknown as string)).toBeUndefined();
    expect(parseCsq(42 as unknown as string)).toBeUndefined();
  });
});

describe('parseCesq', () => {
  it('parses an LTE-only report', () => {
    expect(parseCesq('+CESQ: 99,99,255,255,20,60')).toEqual({
      rxlev: 99,
      ber: 99,
      rscp: 255,
      ecno: 255,
      rsrq: 20,
      rsrp: 60,
      rxlevDbm: undefined,
      berPercent: undefined,
      rscpDbm: undefined,
      ecnoDb: undefined,
      rsrqDb: -10,
      rsrpDbm: -81,
    });
  });

  it('accepts and ignores the 5G fields of later releases', () => {
    expect(parseCesq('+CESQ: 40,0,255,255,255,255,255,255,255')?.rxlevDbm).toBe(-71);
  });

  it.each([
    '+CESQ: 99,99,255,255,20',
    '+CESQ: a,99,255,255,20,60',
    '+CSQ: 18,99',
    'OK',
  ])('%j -> undefined', (line) => {
    expect(parseCesq(line)).toBeUndefined();
  });
});

describe('parseCreg / parseCgreg / parseCereg / parseC5greg', () => {
  it.each([
    // read-command form: <n>,<stat>[,<lac>,<ci>[,<AcT>]]
    ['+CREG: 0,1', { n: 0, stat: 1, state: 'home', registered: true, area: undefined, cell: undefined }],
    [
      '+CREG: 2,5,"00C3","0000A1B2",7',
      // The cell id without its leading zeros, so two reports of one cell compare equal.
      { n: 2, stat: 5, state: 'roaming', area: '00C3', cell: 'A1B2', act: 7 },
    ],
    ['+CREG: 0,12', { n: 0, stat: 12, state: 'unknown', registered: false }],
    // unsolicited form: <stat>[,<lac>,<ci>[,<AcT>]]
    ['+CREG: 1', { n: undefined, stat: 1, state: 'home', registered: true }],
    ['+CREG: 5,"00C3","A1B2",7', { n: undefined, stat: 5, area: '00C3', cell: 'A1B2', act: 7 }],
    ['+CREG: 2,"00C3"', { n: undefined, stat: 2, state: 'searching', area: '00C3' }],
    ['+CREG: 3,,', { n: undefined, stat: 3, state: 'denied', area: undefined, cell: undefined }],
  ])('%j', (line, expected) => {
    expect(parseCreg(line)).toMatchObject(expected);
  });

  it('reads every +CREG stat 0..11', () => {
    const states = Array.from({ length: 12 }, (_, stat) => parseCreg(`+CREG: 0,${stat}`)?.state);
    expect(states).toEqual([
      'not_registered',
      'home',
      'searching',
      'denied',
      'unknown',
      'roaming',
      'sms_only_home',
      'sms_only_roaming',
      'emergency_only',
      'csfb_not_preferred_home',
      'csfb_not_preferred_roaming',
      'rlos',
    ]);
  });

  it('parses the packet-switched and EPS/5GS variants by their own prefix', () => {
    expect(parseCgreg('+CGREG: 2,1')).toMatchObject({ n: 2, stat: 1, registered: true });
    expect(parseCereg('+CEREG: 0,6')).toMatchObject({ stat: 6, state: 'sms_only_home', registered: true });
    expect(parseCereg('+CEREG: 1,"1A2B","01A2B3C4",7,,')).toMatchObject({
      stat: 1,
      area: '1A2B',
      cell: '1A2B3C4',
      act: 7,
    });
    expect(parseC5greg('+C5GREG: 1,"0001","000000001",11')).toMatchObject({ stat: 1, act: 11 });
    expect(parseCreg('+CEREG: 0,1')).toBeUndefined();
    expect(parseCereg('+CREG: 0,1')).toBeUndefined();
  });

  it.each(['+CREG:', '+CREG: x', '+CREG: a,1', 'CREG: 0,1', 'ERROR', ''])('%j -> undefined', (line) => {
    expect(parseCreg(line)).toBeUndefined();
  });
});
