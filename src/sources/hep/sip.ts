import { STORE_LIMITS } from '../../domain/limits.js';
import { COMPACT, generalName, headerName, lineEnd, tag, uriUser } from './sip-fields.js';

export { uriUser };

/**
 * A SIP message parser for captured traffic (RFC 3261 7): the start line and the headers the
 * tracker needs, nothing else. Captures come from many stacks, so it is lenient where RFC 3261
 * allows (compact forms, folded lines, bare LF) and strict only where a wrong guess would skew
 * the counts: a message without a Call-ID or a valid CSeq is refused, never half-read.
 */

/** One parsed SIP message. Strings are copies; nothing points back into the capture buffer. */
export interface SipMessage {
  /** Request method, or for a response the CSeq method (what the transaction was). */
  method: string;
  /** Status code; 0 for a request. */
  code: number;
  requestUri: string;
  callId: string;
  cseq: number;
  fromTag: string;
  toTag: string;
  /** User part of the From / To URI (a number or a user name), '' when none. */
  fromUser: string;
  toUser: string;
  /** Top Via branch. */
  branch: string;
  /** Top Via transport, lower case (`udp`, `tcp`, `tls`, `ws`...), '' when absent. */
  transport: string;
  /** RFC 4028 Session-Expires present. */
  sessionExpires: boolean;
  /** Q.850 cause of a Reason header (RFC 3326), or -1. */
  q850: number;
  /**
   * REGISTER only: the registration interval asked or granted, in seconds (RFC 3261 10.2.1.1):
   * the largest Contact `expires` parameter, else the Expires header; -1 when neither says.
   * 0 is an unregistration (also `Contact: *`).
   */
  expires: number;
  /** REGISTER only: the address of record, the To URI without its parameters ('' otherwise). */
  aor: string;
  contentType: string;
  body: string;
  /** Header lines (unfolded), for configured header rules. */
  headers: readonly string[];
}

const TOKEN = /^[A-Za-z][A-Za-z-]{0,31}$/;

/**
 * Header value by name (case-insensitive, compact forms understood); the first occurrence.
 * @example header(msg, 'X-Carrier') // 'b'
 */
export function header(msg: SipMessage, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const line of msg.headers) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    if ((COMPACT[raw] ?? raw) === want) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** The URI of a To value (RFC 3261 10.2: the address of record of a REGISTER), without parameters. */
function addressOfRecord(value: string): string {
  const lt = value.indexOf('<');
  const uri = lt >= 0 ? value.slice(lt + 1, value.indexOf('>', lt) >>> 0) : (value.split(';', 1)[0] ?? '');
  return uri.trim().slice(0, 256);
}

/**
 * The interval of a REGISTER (RFC 3261 10.2.1.1 and 10.3 step 8): a Contact `expires` parameter
 * wins over the Expires header; with several contacts the largest counts (a 200 OK lists every
 * binding of the AOR). `Contact: *` is a removal of all bindings (10.2.2).
 */
function registerExpires(contacts: string, header: number): number {
  if (contacts.trim() === '*') return 0;
  let max = -1;
  for (const m of contacts.matchAll(/;\s*expires\s*=\s*(\d{1,10})/gi)) max = Math.max(max, Number(m[1]));
  return max >= 0 ? max : header;
}

/**
 * Parse one SIP message. Returns undefined for anything that is not a usable SIP message.
 * @example parseSip(Buffer.from('SIP/2.0 486 Busy Here\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n\r\n'))?.code // 486
 */
export function parseSip(buf: Buffer): SipMessage | undefined {
  if (buf.length < 16 || buf.length > 65_535) return undefined;
  const text = buf.toString('utf8');
  let end = text.indexOf('\r\n\r\n');
  let bodyAt = end + 4;
  if (end < 0) {
    end = text.indexOf('\n\n');
    bodyAt = end + 2;
    if (end < 0) {
      end = text.length;
      bodyAt = text.length;
    }
  }
  // Lines end at LF, a CR before it dropped (as a `\r?\n` split), found by index: no regex split
  // and no array of lines.
  let eol = lineEnd(text, 0, end);
  const start = text.slice(0, eol < end && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol);
  let method = '';
  let code = 0;
  let requestUri = '';
  if (start.startsWith('SIP/2.0 ')) {
    code = Number(start.slice(8, 11));
    if (!Number.isInteger(code) || code < 100 || code > 699) return undefined;
  } else {
    // Method SP Request-URI SP SIP-Version: exactly two spaces.
    const sp1 = start.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : start.indexOf(' ', sp1 + 1);
    if (sp2 < 0 || start.length !== sp2 + 8 || !start.endsWith('SIP/2.0')) return undefined;
    method = start.slice(0, sp1);
    if (!TOKEN.test(method)) return undefined;
    requestUri = start.slice(sp1 + 1, sp2);
  }
  const headers: string[] = [];
  // Where each header's line starts in `text`, -1 for a folded one: unfolded names and values are
  // read in `text` itself, a flat string, not in the line (a slice of it, slower to index).
  const at: number[] = [];
  while (eol < end) {
    const from = eol + 1;
    eol = lineEnd(text, from, end);
    const line = text.slice(from, eol < end && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol);
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
      headers[headers.length - 1] += ` ${line.trim()}`;
      at[at.length - 1] = -1;
    } else if (line !== '') {
      headers.push(line);
      at.push(from);
    }
  }
  let callId = '';
  let cseq = -1;
  let cseqMethod = '';
  let from = '';
  let to = '';
  let branch = '';
  let transport = '';
  let sessionExpires = false;
  let q850 = -1;
  let contentType = '';
  let expiresHeader = -1;
  let contacts = '';
  for (let k = 0; k < headers.length; k++) {
    const line = headers[k] as string;
    const base = at[k] as number;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = base < 0 ? generalName(line, colon) : headerName(text, base, colon);
    if (name === '') continue;
    const value =
      base < 0 ? line.slice(colon + 1).trim() : text.slice(base + colon + 1, base + line.length).trim();
    switch (name) {
      case 'call-id':
        if (callId === '') callId = value;
        break;
      case 'cseq': {
        const m = /^(\d{1,10})\s+([A-Za-z][A-Za-z-]{0,31})$/.exec(value);
        if (m !== null && cseq < 0) {
          cseq = Number(m[1]);
          cseqMethod = m[2] as string;
        }
        break;
      }
      case 'from':
        if (from === '') from = value;
        break;
      case 'to':
        if (to === '') to = value;
        break;
      case 'via':
        if (branch === '') {
          const m = /;\s*branch=([^;\s,]+)/i.exec(value);
          if (m !== null) branch = m[1] as string;
          const t = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]{2,5})/i.exec(value);
          if (t !== null) transport = (t[1] as string).toLowerCase();
        }
        break;
      case 'session-expires':
        sessionExpires = true;
        break;
      case 'reason': {
        // RFC 3326 allows a list and LWS around ';' ("Q.850 ;cause=16", "q.850;cause=21").
        const m = /(?:^|,)\s*Q\.850\s*;[^,]*?cause\s*=\s*(\d{1,3})/i.exec(value);
        if (m !== null && Number(m[1]) <= 127) q850 = Number(m[1]);
        break;
      }
      case 'expires':
        if (/^\d{1,10}$/.test(value)) expiresHeader = Number(value);
        break;
      case 'contact':
        if (contacts.length < 4096) contacts = contacts === '' ? value : `${contacts},${value}`;
        break;
      case 'content-type':
        contentType = value.toLowerCase();
        break;
      default:
        break;
    }
  }
  // The store keeps ids of at most STORE_LIMITS.idMax characters; a longer Call-ID is refused here.
  if (callId === '' || callId.length > STORE_LIMITS.idMax || cseq < 0 || cseqMethod === '') return undefined;
  // A request's CSeq method must be its own (RFC 3261 8.1.1.5), except ACK/CANCEL reuse the INVITE's number.
  if (code === 0 && cseqMethod !== method) return undefined;
  const m = code === 0 ? method : cseqMethod;
  return {
    method: m,
    code,
    requestUri,
    callId,
    cseq,
    fromTag: tag(from),
    toTag: tag(to),
    fromUser: uriUser(from).slice(0, 64),
    toUser: uriUser(to).slice(0, 64),
    branch,
    transport,
    sessionExpires,
    q850,
    expires: m === 'REGISTER' ? registerExpires(contacts, expiresHeader) : expiresHeader,
    aor: m === 'REGISTER' ? addressOfRecord(to) : '',
    contentType,
    body: bodyAt < text.length ? text.slice(bodyAt) : '',
    headers,
  };
}
