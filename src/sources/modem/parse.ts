/**
 * AT result lines that the shared parsers in telephony/standards/modem.ts do not cover yet
 * (+COPS, +CMTI, +CMGR, +CDS, +CUSD, +CLCC), per 3GPP TS 27.007 and TS 27.005. Each returns
 * undefined for a line it cannot read; none throws.
 */

/**
 * Comma-separated parameters after `+NAME:`, quotes kept, commas inside quotes respected.
 * @example atParams('+CUSD: 0,"a, b",15', 'CUSD') // ['0', '"a, b"', '15']
 */
export function atParams(line: string, name: string): string[] | undefined {
  const prefix = `+${name}:`;
  if (!line.startsWith(prefix)) return undefined;
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line.slice(prefix.length).trim()) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const unquote = (s: string | undefined) => (s === undefined ? undefined : s.replace(/^"|"$/g, ''));
const int = (s: string | undefined) => (s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : undefined);

/**
 * `+COPS: <mode>[,<format>,"<oper>"[,<AcT>]]` (TS 27.007 7.3).
 * @example parseCops('+COPS: 0,0,"Vodafone UK",7') // { operator: 'Vodafone UK', act: 7 }
 */
export function parseCops(line: string): { operator?: string; act?: number } | undefined {
  const p = atParams(line, 'COPS');
  if (p === undefined || int(p[0]) === undefined) return undefined;
  const operator = unquote(p[2]);
  const act = int(p[3]);
  return {
    ...(operator !== undefined && operator !== '' && { operator: operator.slice(0, 64) }),
    ...(act !== undefined && act <= 255 && { act }),
  };
}

/**
 * `+CMTI: "<mem>",<index>` (TS 27.005 3.4.1): a message was stored at `index`.
 * @example parseCmti('+CMTI: "SM",3') // 3
 */
export function parseCmti(line: string): number | undefined {
  const p = atParams(line, 'CMTI');
  return p === undefined ? undefined : int(p[1]);
}

/**
 * Sender of a text-mode `+CMGR: <stat>,"<oa>",...` (TS 27.005 3.4.3).
 * @example parseCmgrSender('+CMGR: "REC UNREAD","+447700900123",,"24/01/01,12:00:00+00"') // '+447700900123'
 */
export function parseCmgrSender(line: string): string | undefined {
  const p = atParams(line, 'CMGR');
  const oa = unquote(p?.[1]);
  return oa === undefined || oa === '' || oa.length > 64 ? undefined : oa;
}

/**
 * `+CUSD: <m>[,"<str>"[,<dcs>]]` (TS 27.007 7.15).
 * @example parseCusd('+CUSD: 0,"Balance 5.00",15') // { status: 0, text: 'Balance 5.00', dcs: 15 }
 */
export function parseCusd(line: string): { status: number; text?: string; dcs?: number } | undefined {
  const p = atParams(line, 'CUSD');
  const status = int(p?.[0]);
  if (p === undefined || status === undefined || status > 255) return undefined;
  const text = unquote(p[1]);
  const dcs = int(p[2]);
  return {
    status,
    ...(text !== undefined && text !== '' && { text: text.slice(0, 1024) }),
    ...(dcs !== undefined && dcs <= 255 && { dcs }),
  };
}

/**
 * `+CLCC: <idx>,<dir>,<stat>,<mode>,<mpty>[,"<number>",<type>]` (TS 27.007 7.18).
 * @example parseClcc('+CLCC: 1,1,4,0,0,"+447700900456",145') // { index: 1, stat: 4, number: '+447700900456' }
 */
export function parseClcc(line: string): { index: number; stat: number; number?: string } | undefined {
  const p = atParams(line, 'CLCC');
  const index = int(p?.[0]);
  const stat = int(p?.[2]);
  if (p === undefined || index === undefined || stat === undefined || index > 255 || stat > 255)
    return undefined;
  const number = unquote(p[5]);
  return { index, stat, ...(number !== undefined && number !== '' && { number: number.slice(0, 64) }) };
}

/**
 * A status report (TS 23.040 9.2.2.3 SMS-STATUS-REPORT): text mode
 * `+CDS: <fo>,<mr>,["<ra>"],[<tora>],"<scts>","<dt>",<st>` (TS 27.005 3.4.1), or the PDU that
 * follows `+CDS: <length>` in PDU mode.
 * @example parseCds('+CDS: 6,42,"+447700900123",145,"24/01/01,12:00:00+00","24/01/01,12:00:05+00",0') // { reference: 42, tpStatus: 0 }
 */
export function parseCds(line: string, pdu?: string): { reference: number; tpStatus: number } | undefined {
  if (pdu !== undefined) return parseStatusReportPdu(pdu);
  const p = atParams(line, 'CDS');
  if (p === undefined || p.length < 7) return undefined;
  const reference = int(p[1]);
  const tpStatus = int(p[p.length - 1]);
  if (reference === undefined || tpStatus === undefined || reference > 255 || tpStatus > 255)
    return undefined;
  return { reference, tpStatus };
}

function parseStatusReportPdu(hex: string): { reference: number; tpStatus: number } | undefined {
  if (hex.length % 2 !== 0 || hex.length > 400) return undefined;
  const b = Buffer.from(hex, 'hex');
  let at = 1 + (b[0] ?? 255); // SMSC address: length octet + that many octets
  if (at + 2 > b.length) return undefined;
  const fo = b[at] as number;
  if ((fo & 0x03) !== 0x02) return undefined; // TP-MTI 10 = SMS-STATUS-REPORT
  const reference = b[at + 1] as number;
  at += 2;
  const digits = b[at];
  if (digits === undefined) return undefined;
  at += 2 + Math.ceil(digits / 2); // TP-RA: digit count, type, semi-octets
  at += 14; // TP-SCTS and TP-DT, 7 octets each
  const tpStatus = b[at];
  return tpStatus === undefined ? undefined : { reference, tpStatus };
}
