import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtChannel } from '../../../src/sources/modem/at.js';
import { parseClcc, parseCops, parseCusd } from '../../../src/sources/modem/parse.js';
import { parseCds, parseCmgr, parseStored } from '../../../src/sources/modem/sms.js';

describe('AT result parsers (TS 27.007 / 27.005)', () => {
  it.each([
    ['+COPS: 0,0,"Vodafone UK",7', parseCops, { operator: 'Vodafone UK', act: 7 }],
    ['+COPS: 0,2,"23415",2', parseCops, { operator: '23415', act: 2 }],
    ['+COPS: 0', parseCops, {}],
    ['+CMTI: "SM",3', parseStored, { mem: 'SM', index: 3 }],
    [
      '+CMGR: "REC UNREAD","+447700900123",,"24/01/01,12:00:00+00"',
      (l: string) => parseCmgr([l, 'hello']),
      { type: 'deliver', from: '+447700900123' },
    ],
    ['+CUSD: 0,"Balance, 5.00",15', parseCusd, { status: 0, text: 'Balance, 5.00', dcs: 15 }],
    ['+CUSD: 2', parseCusd, { status: 2 }],
    ['+CLCC: 1,1,4,0,0,"+447700900456",145', parseClcc, { index: 1, stat: 4, number: '+447700900456' }],
    [
      '+CDS: 6,42,"+447700900123",145,"24/01/01,12:00:00+00","24/01/01,12:00:05+00",0',
      parseCds,
      { type: 'status', reference: 42, tpStatus: 0 },
    ],
    ['+CSQ: x', parseCops, undefined],
    ['+CLCC: a,b', parseClcc, undefined],
  ] as const)('%s', (line, parse, want) => {
    expect((parse as (l: string) => unknown)(line)).toEqual(want);
  });

  it('PDU-mode status report (TS 23.040 9.2.2.3 layout: SMSC, first octet, MR, RA, SCTS, DT, ST)', () => {
    const pdu = '07911326040000F006D60B911326880736F4111011719551401110117195714000';
    expect(parseCds('+CDS: 25', pdu)).toEqual({ type: 'status', reference: 0xd6, tpStatus: 0 });
    expect(parseCds('+CDS: 25', '00')).toBeUndefined();
  });

  it('AtChannel never throws on any byte stream and keeps answering commands', async () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 20 }), (chunks) => {
        const at = new AtChannel(
          () => {},
          () => {},
        );
        for (const c of chunks) at.feed(c);
      }),
    );
    const writes: string[] = [];
    const at = new AtChannel(
      (s) => writes.push(s),
      () => {},
    );
    const r = at.send('AT+CSQ', 1000);
    at.feed('garbage\r\n+CSQ: 18,99\r\n');
    at.feed('\r\nOK\r\n');
    expect(await r).toEqual({ ok: true, lines: ['+CSQ: 18,99'], final: 'OK', echoed: false });
    expect(writes).toEqual(['AT+CSQ\r']);
  });
});
