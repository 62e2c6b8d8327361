import type { EventOf } from '../../events/types.js';

/**
 * RTCP carried in HEP (type 5) and RTCP-XR, as `media.report` inputs. Three shapes arrive:
 * binary RTCP (RFC 3550 6.4: SR/RR report blocks; RFC 3611 4.7: the XR VoIP Metrics block),
 * the JSON that captagent/heplify put in type 5, and SIP PUBLISH bodies of type
 * application/vq-rtcpxr (RFC 6035). Each returns the reports it could read; a malformed one
 * yields none (and is counted by the caller), never an exception.
 */
export type MediaReport = EventOf<'media.report'>;

const NTP_UNIX_OFFSET = 2_208_988_800; // seconds from 1900 to 1970 (RFC 5905)

/**
 * Middle 32 bits of the NTP timestamp of `ms` (the unit of LSR/DLSR, RFC 3550 6.4.1).
 * @example ntpMiddle32(Date.now()) // compare with an RR's LSR
 */
export function ntpMiddle32(ms: number): number {
  const sec = Math.floor(ms / 1000) + NTP_UNIX_OFFSET;
  const frac = Math.floor(((ms % 1000) / 1000) * 65_536);
  return (((sec & 0xffff) << 16) | (frac & 0xffff)) >>> 0;
}

function report(callId: string | undefined, fields: Omit<MediaReport, 'type'>): MediaReport {
  return { type: 'media.report', source: 'hep', ...(callId !== undefined && { callId }), ...fields };
}

/**
 * Binary RTCP compound packet -> one report per SR/RR report block and per XR VoIP block.
 * @example binaryRtcp(rtcpBytes, 'call-id@host', Date.now()) // [{ type: 'media.report', fractionLost, jitter, ... }]
 */
export function binaryRtcp(buf: Buffer, callId: string | undefined, arrivalMs: number): MediaReport[] {
  const out: MediaReport[] = [];
  let at = 0;
  while (at + 4 <= buf.length) {
    const b0 = buf[at] as number;
    if (b0 >> 6 !== 2) return out; // version 2 only
    const count = b0 & 0x1f;
    const pt = buf[at + 1] as number;
    const len = (buf.readUInt16BE(at + 2) + 1) * 4;
    if (at + len > buf.length) return out;
    if (pt === 200 || pt === 201) {
      let block = at + (pt === 200 ? 28 : 8);
      for (let i = 0; i < count && block + 24 <= at + len; i++, block += 24) {
        const lsr = buf.readUInt32BE(block + 16);
        out.push(
          report(callId, {
            ts: arrivalMs,
            fractionLost: buf[block + 4] as number,
            jitter: buf.readUInt32BE(block + 12),
            ...(lsr !== 0 && {
              rtcp: { arrival: ntpMiddle32(arrivalMs), lsr, dlsr: buf.readUInt32BE(block + 20) },
            }),
          }),
        );
      }
    } else if (pt === 207) {
      let block = at + 8;
      while (block + 4 <= at + len) {
        const bt = buf[block] as number;
        const blen = (buf.readUInt16BE(block + 2) + 1) * 4;
        if (block + blen > at + len) break;
        // VoIP Metrics (BT 7, RFC 3611 4.7): 36 bytes; loss rate in 1/256, round trip delay in ms.
        if (bt === 7 && blen >= 36) {
          const rtd = buf.readUInt16BE(block + 16);
          out.push(
            report(callId, {
              ts: arrivalMs,
              fractionLost: buf[block + 8] as number,
              ...(rtd !== 0 && { rttMs: rtd }),
            }),
          );
        }
        block += blen;
      }
    }
    at += len;
  }
  return out;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/**
 * captagent/heplify RTCP JSON: `{ report_blocks: [{ fraction_lost, ia_jitter, lsr, dlsr }] }`.
 * @example jsonRtcp('{"report_blocks":[{"fraction_lost":5,"ia_jitter":40}]}', 'c1', Date.now())
 */
export function jsonRtcp(text: string, callId: string | undefined, arrivalMs: number): MediaReport[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const blocks = (doc as { report_blocks?: unknown })?.report_blocks;
  if (!Array.isArray(blocks)) return [];
  const out: MediaReport[] = [];
  for (const b of blocks.slice(0, 31)) {
    const fl = num((b as Record<string, unknown>)?.fraction_lost);
    const jitter = num((b as Record<string, unknown>)?.ia_jitter);
    if (fl === undefined && jitter === undefined) continue;
    out.push(
      report(callId, {
        ts: arrivalMs,
        ...(fl !== undefined && fl <= 255 && { fractionLost: Math.round(fl) }),
        ...(jitter !== undefined && { jitter }),
      }),
    );
  }
  return out;
}

function metric(body: string, name: string): number | undefined {
  const m = new RegExp(`(?:^|\\s)${name}=([0-9]+(?:\\.[0-9]+)?)`).exec(body);
  if (m === null) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * RFC 6035 vq-rtcpxr (SIP PUBLISH body): NLR (network loss, %), RTD (round trip, ms), IAJ
 * (interarrival jitter, ms). The report names its call in `CallID:`.
 * @example vqRtcpXr('CallID: c1\r\nPacketLoss: NLR=5.0\r\nDelay: RTD=200\r\n', 'c1')?.rttMs // 200
 */
export function vqRtcpXr(body: string, fallbackCallId: string): MediaReport | undefined {
  const nlr = metric(body, 'NLR');
  const rtd = metric(body, 'RTD');
  const iaj = metric(body, 'IAJ');
  if (nlr === undefined && rtd === undefined && iaj === undefined) return undefined;
  const cid = /^CallID:\s*(\S{1,200})\s*$/m.exec(body);
  const pd = /(?:^|\s)PD=([A-Za-z0-9._-]{1,32})/.exec(body);
  return report(cid === null ? fallbackCallId : (cid[1] as string), {
    ...(nlr !== undefined && nlr <= 100 && { fractionLost: Math.min(255, Math.round((nlr * 256) / 100)) }),
    ...(rtd !== undefined && { rttMs: rtd }),
    ...(iaj !== undefined && { jitterMs: iaj }),
    ...(pd !== null && { codec: pd[1] as string }),
  });
}
