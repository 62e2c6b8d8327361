/**
 * What the modem says about messages, in text mode (+CMGF=1) or PDU mode, as 27.005 prints them:
 * +CMT (a message routed to the host), +CMGR / +CMGL (read or listed from storage), +CDS (a
 * status report routed to the host). Each gives a message's sender or a report's TP-MR and
 * TP-ST; the text itself is never kept. Shapes are told apart by their fields, not by the mode the
 * source set, because another program (or a restart) may have changed it.
 */
import { atParams } from './parse.js';
import { type Concat, decodePdu, type Tpdu } from './pdu.js';

const unquote = (s: string | undefined) => s?.replace(/^"|"$/g, '');
const int = (s: string | undefined) =>
  s !== undefined && /^\d{1,9}$/.test(s.trim()) ? Number(s) : undefined;
const isHex = (s: string | undefined) => s !== undefined && /^[0-9A-Fa-f]{14,}$/.test(s);

/** A message or a report read off the modem. */
export type SmsFact = Tpdu;

function deliver(from: string | undefined, concat?: Concat): SmsFact | undefined {
  return from === undefined || from === '' || from.length > 64
    ? undefined
    : { type: 'deliver', from, ...(concat !== undefined && { concat }) };
}

/**
 * A text-mode status report's fields `<fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>` (after +CDS:,
 * or after +CMGR: <stat>, when the message read is a report).
 */
function textReport(p: readonly string[]): SmsFact | undefined {
  if (p.length < 7) return undefined;
  const reference = int(p[1]);
  const tpStatus = int(p[p.length - 1]);
  if (reference === undefined || tpStatus === undefined || reference > 255 || tpStatus > 255)
    return undefined;
  return { type: 'status', reference, tpStatus };
}

/**
 * A status report routed to the host: `+CDS: <fo>,<mr>,...` (text), `+CDS:` split after the colon
 * with the fields on the next line, or `+CDS: <length>` with the PDU on the next line.
 * @example parseCds('+CDS: 6,46,"+77777777777",145,"15/05/22,14:14:13+12","15/05/22,14:14:13+12",48') // { type: 'status', reference: 46, tpStatus: 48 }
 */
export function parseCds(line: string, next?: string): SmsFact | undefined {
  const p = atParams(line, 'CDS') ?? atParams(line.replace(/^\+CDS:(?=\S)/, '+CDS: '), 'CDS');
  if (p === undefined) return undefined;
  // `+CDS: <length>`: the TPDU's octets (27.005 3.4.1), which tells whether an SMSC address leads.
  if (next !== undefined && isHex(next)) return decodePdu(next, int(p[p.length - 1]));
  if (next !== undefined && p.length === 1 && p[0] === '')
    return textReport(atParams(`+CDS: ${next}`, 'CDS') ?? []);
  return textReport(p);
}

/**
 * A message routed to the host: `+CMT: "<oa>",[<alpha>],<scts>` + text (text mode) or
 * `+CMT: [<alpha>],<length>` + PDU.
 * @example parseCmt('+CMT: "+447700900123",,"24/01/01,12:00:00+00"', 'hello') // { type: 'deliver', from: '+447700900123' }
 */
export function parseCmt(line: string, next: string | undefined): SmsFact | undefined {
  const p = atParams(line, 'CMT');
  if (p === undefined) return undefined;
  const length = int(p[p.length - 1]);
  if (isHex(next) && length !== undefined) return decodePdu(next as string, length);
  return deliver(unquote(p[0]));
}

/**
 * The reply to `AT+CMGR=<n>` (its information lines): a received message (its sender), a status
 * report, or undefined (an empty slot answers a bare OK; a stored outgoing message is no fact).
 * Text: `+CMGR: <stat>,<oa>,...` + body, or `+CMGR: <stat>,<fo>,<mr>,...,<st>` for a report.
 * PDU: `+CMGR: <stat>,[<alpha>],<length>` (or just `<length>`) + the PDU line.
 * @example parseCmgr(['+CMGR: "REC UNREAD","+447700900123",,"24/01/01,12:00:00+00"', 'hi']) // { type: 'deliver', from: '+447700900123' }
 */
export function parseCmgr(lines: readonly string[]): SmsFact | undefined {
  const i = lines.findIndex((l) => /^\+CMGR:/i.test(l));
  if (i < 0) return undefined;
  const head = lines[i] as string;
  const p = atParams(head, 'CMGR') ?? atParams(head.replace(/^\+CMGR:/, '+CMGR: '), 'CMGR') ?? [];
  const body = lines[i + 1];
  const length = int(p[p.length - 1]);
  if (isHex(body) && length !== undefined) return decodePdu(body as string, length);
  if (int(p[1]) !== undefined) return textReport(p.slice(1)); // <stat>,<fo>,<mr>,...,<st>
  const stat = unquote(p[0]) ?? '';
  return /^REC /i.test(stat) ? deliver(unquote(p[1])) : undefined;
}

/** One record of a +CMGL listing: its index and what it is; `bad` for a record that cannot be read. */
export interface Listed {
  index: number;
  fact: SmsFact | undefined;
}

/**
 * The reply to `AT+CMGL=...`: text records `+CMGL: <index>,<stat>,<oa>,...` + body lines, or PDU
 * records `+CMGL: <index>,<stat>,[<alpha>],<length>` + PDU. A record cut short (a PDU glued to the
 * next `+CMGL:`, as one modem sends) is counted in `bad` and the next one still read.
 * @example parseCmgl(['+CMGL: 0,"REC UNREAD","+447700900123",,"24/01/01,12:00:00+00"', 'hi']).listed.length // 1
 */
export function parseCmgl(input: readonly string[]): { listed: Listed[]; bad: number } {
  const listed: Listed[] = [];
  let bad = 0;
  // A record glued to the end of a short PDU starts a line of its own.
  const lines = input.flatMap((l) => {
    const at = l.indexOf('+CMGL:');
    return at > 0 ? [l.slice(0, at), l.slice(at)] : [l];
  });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const at = line.indexOf('+CMGL:');
    if (at !== 0) continue;
    const p = atParams(line, 'CMGL') ?? [];
    const index = int(p[0]);
    const next = lines[i + 1];
    let fact: SmsFact | undefined;
    const pduStat = int(p[1]);
    const length = int(p[p.length - 1]);
    if (length !== undefined && pduStat !== undefined && next !== undefined) {
      if (pduStat === 2 || pduStat === 3) continue; // stored unsent / sent: an outgoing message
      fact = next.includes('+CMGL:') ? undefined : decodePdu(next, length);
    } else if (/^"?REC /i.test(p[1] ?? '')) fact = deliver(unquote(p[2]));
    else if (/^"?STO /i.test(p[1] ?? '')) continue; // an outgoing message kept on the SIM
    if (index === undefined || fact === undefined) bad++;
    else listed.push({ index, fact });
  }
  return { listed, bad };
}

/**
 * `+CMTI: <mem>,<index>` / `+CDSI: <mem>,<index>` (27.005 3.4.1): a message or a status report
 * was stored at `index` of `mem`.
 * @example parseStored('+CDSI: "SR",57') // { mem: 'SR', index: 57 }
 */
export function parseStored(line: string): { mem: string | undefined; index: number } | undefined {
  const m = /^\+(?:CMTI|CDSI):\s*"?([A-Za-z]{2})?"?\s*,\s*(\d{1,6})\s*$/.exec(line);
  if (m === null) return undefined;
  return { mem: m[1]?.toUpperCase(), index: Number(m[2]) };
}
