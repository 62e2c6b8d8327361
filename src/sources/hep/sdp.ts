import { hash32 } from './hash.js';
import type { SipMessage } from './sip.js';

/**
 * What the HEP tracker reads from an SDP body (RFC 4566): the audio codec, the hold state, and
 * where the audio's RTCP comes from, so a captured RTCP report can be told apart by direction
 * (RFC 3550 6.4: a receiver report describes the stream its sender *receives*).
 */

/** RTP/AVP static payload types (RFC 3551 6) that SDP may use without an rtpmap. */
const STATIC_PT: Record<string, string> = { '0': 'PCMU', '3': 'GSM', '8': 'PCMA', '9': 'G722', '18': 'G729' };

function sdp(msg: SipMessage): string | undefined {
  return msg.contentType.startsWith('application/sdp') && msg.body !== '' ? msg.body : undefined;
}

/**
 * First audio codec of an SDP body: its rtpmap name, else the static payload type's.
 * @example sdpCodec(invite) // 'PCMU'
 */
export function sdpCodec(msg: SipMessage): string | undefined {
  const body = sdp(msg);
  if (body === undefined) return undefined;
  const m = /^m=audio \d+ [A-Za-z/]+ (\d{1,3})/m.exec(body);
  if (m === null) return undefined;
  const pt = m[1] as string;
  const map = new RegExp(`^a=rtpmap:${pt} ([A-Za-z0-9._-]{1,32})/`, 'm').exec(body);
  return map === null ? STATIC_PT[pt] : (map[1] as string);
}

/**
 * SDP media direction of a body: held when every stream is sendonly/inactive.
 * @example holdState(reInvite) // 'held'
 */
export function holdState(msg: SipMessage): 'held' | 'active' | undefined {
  const body = sdp(msg);
  if (body === undefined) return undefined;
  if (/^a=(?:sendonly|inactive)\s*$/m.test(body) || /^c=IN IP4 0\.0\.0\.0\s*$/m.test(body)) return 'held';
  return 'active';
}

/** Where one side's audio RTCP comes from: the address and the two ports it may use. */
export interface MediaEndpoint {
  /** Hash of the connection address (no address is kept). */
  ip: number;
  rtp: number;
  /** RTP port + 1 (RFC 3550 11), or `a=rtcp:` (RFC 3605). */
  rtcp: number;
}

/**
 * The audio endpoint an SDP offer or answer announces: the media-level `c=` (else the session's),
 * the `m=audio` port, and the RTCP port. Undefined without an audio stream or with port 0.
 * @example mediaEndpoint(answer) // { ip: hash32('10.0.0.2'), rtp: 4000, rtcp: 4001 }
 */
export function mediaEndpoint(msg: SipMessage): MediaEndpoint | undefined {
  const body = sdp(msg);
  if (body === undefined) return undefined;
  const audio = /^m=audio (\d{1,5})/m.exec(body);
  if (audio === null) return undefined;
  const rtp = Number(audio[1]);
  if (rtp === 0 || rtp > 65_535) return undefined;
  const section = body.slice(audio.index);
  const next = section.indexOf('\nm=', 1);
  const media = next < 0 ? section : section.slice(0, next);
  const conn = /^c=IN IP[46] ([0-9A-Fa-f:.]{2,45})/m;
  const c = conn.exec(media) ?? conn.exec(body.slice(0, audio.index));
  if (c === null) return undefined;
  const rtcpAttr = /^a=rtcp:(\d{1,5})/m.exec(media);
  const mux = /^a=rtcp-mux\s*$/m.test(media);
  const rtcp = rtcpAttr !== null ? Number(rtcpAttr[1]) : mux ? rtp : rtp + 1;
  return { ip: hash32(c[1] as string), rtp, rtcp };
}
