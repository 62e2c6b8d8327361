/**
 * The two TPDUs the modem source reads (3GPP TS 23.040 9.2.2): SMS-DELIVER (who sent a message,
 * and its concatenation header) and SMS-STATUS-REPORT (TP-MR and TP-ST), each preceded by the
 * SMSC address as +CMGR/+CMGL/+CMT/+CDS print them in PDU mode (TS 27.005 3.1). Only what a
 * count needs is decoded; the user data (the text) is never read. Nothing here throws.
 */

/** A concatenated message part (TS 23.040 9.2.3.24.1 / .8: 8- or 16-bit reference). */
export interface Concat {
  ref: number;
  total: number;
  seq: number;
}

export type Tpdu =
  | { type: 'deliver'; from: string; concat?: Concat }
  | { type: 'status'; reference: number; tpStatus: number };

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** TP-OA/TP-RA: a digit count, a type, then semi-octets, or GSM 7-bit letters (TON 101). */
function address(b: Buffer, at: number): { value: string; next: number } | undefined {
  const digits = b[at];
  const type = b[at + 1];
  if (digits === undefined || type === undefined || digits > 20) return undefined;
  const octets = Math.ceil(digits / 2);
  const next = at + 2 + octets;
  if (next > b.length) return undefined;
  const body = b.subarray(at + 2, next);
  if ((type & 0x70) === 0x50) {
    // Alphanumeric (a sender name): 7-bit packed, `digits` semi-octets long.
    const chars = Math.floor((digits * 4) / 7);
    let s = '';
    for (let i = 0; i < chars; i++) {
      const bit = i * 7;
      const lo = body[bit >> 3] ?? 0;
      const hi = body[(bit >> 3) + 1] ?? 0;
      s += GSM7[(((hi << 8) | lo) >> (bit & 7)) & 0x7f] ?? '?';
    }
    return { value: s, next };
  }
  let s = '';
  for (const o of body) {
    for (const d of [o & 0x0f, o >> 4]) if (d <= 9 && s.length < digits) s += String(d);
  }
  return { value: (type & 0x70) === 0x10 ? `+${s}` : s, next };
}

/**
 * Decode the TPDU; undefined for anything else (a submit, a bad length). `tpduLength` is the
 * `<length>` the modem printed before the PDU (+CDS, +CMT, +CMGR, +CMGL): TS 27.005 3.1 counts the
 * TPDU only, without the SMSC address, so a PDU of exactly that many octets has no SMSC address
 * field (the Nordic nRF91 form: `+CDS: 24` then 24 octets); any other PDU starts with one.
 * @example decodePdu('07911326040000F006D60B911326880736F4111011719551401110117195714000') // { type: 'status', reference: 214, tpStatus: 0 }
 * @example decodePdu('06550A912143658709122022118314801220221183148000', 24) // { type: 'status', reference: 85, tpStatus: 0 }
 */
export function decodePdu(hex: string, tpduLength?: number): Tpdu | undefined {
  // Without an SMSC address the TPDU is all there is: its last octet may be 0xFF, keep it.
  const bare = tpduLength !== undefined && hex.length === 2 * tpduLength;
  const clean = bare ? hex : hex.replace(/(FF)+$/i, '');
  if (!/^([0-9A-Fa-f]{2})+$/.test(clean) || clean.length > 1024) return undefined;
  const b = Buffer.from(clean, 'hex');
  let at = bare ? 0 : 1 + (b[0] ?? 255); // SMSC address: length octet + that many octets
  const fo = b[at];
  if (fo === undefined) return undefined;
  const mti = fo & 0x03;
  if (mti === 0x02) {
    // SMS-STATUS-REPORT: TP-MR, TP-RA, TP-SCTS, TP-DT, TP-ST.
    const reference = b[at + 1];
    const ra = address(b, at + 2);
    if (reference === undefined) return undefined;
    // A report whose address length does not fit (a ZTE firmware) still ends with TP-ST after
    // the two 7-octet time stamps: read it from the end of a report that has no more fields.
    const st = ra !== undefined ? b[ra.next + 14] : b[b.length - 1];
    return st === undefined ? undefined : { type: 'status', reference, tpStatus: st };
  }
  if (mti !== 0x00) return undefined;
  // SMS-DELIVER: TP-OA, TP-PID, TP-DCS, TP-SCTS (7), TP-UDL, TP-UD (with a header when TP-UDHI).
  const oa = address(b, at + 1);
  if (oa === undefined || oa.value === '') return undefined;
  at = oa.next + 2 + 7 + 1;
  if (at > b.length) return undefined;
  if ((fo & 0x40) === 0) return { type: 'deliver', from: oa.value };
  const udhl = b[at] ?? 0;
  const end = at + 1 + udhl;
  for (let i = at + 1; i + 1 < end && i + 1 < b.length; ) {
    const iei = b[i] as number;
    const len = b[i + 1] as number;
    if (iei === 0x00 && len === 3) {
      return {
        type: 'deliver',
        from: oa.value,
        concat: { ref: b[i + 2] ?? 0, total: b[i + 3] ?? 1, seq: b[i + 4] ?? 1 },
      };
    }
    if (iei === 0x08 && len === 4) {
      const ref = ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0);
      return { type: 'deliver', from: oa.value, concat: { ref, total: b[i + 4] ?? 1, seq: b[i + 5] ?? 1 } };
    }
    i += 2 + len;
  }
  return { type: 'deliver', from: oa.value };
}
