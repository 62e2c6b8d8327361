/**
 * A batch of call updates as the writer thread receives it: every number in one Float64Array and
 * every string in one text, instead of an array of objects. Posting objects costs the structured
 * clone ~1.0-1.2 us an update on the main thread and ~0.9 us to rebuild them on the other side;
 * this costs ~0.1 us on each (400 updates of the ingest bench's calls, node 20). Only updates that
 * passed `checkCallUpdate` are encoded: enumerated fields travel as their index in the type's list.
 */

import { CALL_STATUSES, FAILURE_REASONS, STORED_CALL_CHANNELS } from '../../domain/records.js';
import { DIRECTIONS, HANGUP_PARTIES, MEDIA_STREAMS } from '../../domain/vocab.js';
import type { CallUpdate } from '../types.js';

/** The encoded batch: per update its kind, time and fields, strings as lengths into `text`. */
export interface EncodedCalls {
  numbers: Float64Array<ArrayBuffer>;
  text: string;
}

type Kind = CallUpdate['kind'];
const KINDS = [
  'started',
  'ringing',
  'answered',
  'ended',
  'transcript',
  'media',
  'agent',
  'flow',
] as const satisfies Kind[];

/** The fields each kind carries besides kind, callId and at: what encode and decode handle. */
interface Carried {
  started: 'direction' | 'channel' | 'trunk' | 'from' | 'to';
  ringing: never;
  answered: never;
  ended: 'status' | 'sipCode' | 'q850' | 'reason' | 'hangupBy';
  transcript: never;
  media: 'mos' | 'jitterMs' | 'lossPercent' | 'rttMs' | 'stream' | 'codec';
  agent: (typeof AGENT_FIELDS)[number] | 'turnList';
  flow: 'sipFlow';
}
/** A kind's code, typed `never` when the kind has a field not carried: KIND then fails to compile. */
type Code<K extends Kind> = [
  Exclude<keyof Extract<CallUpdate, { kind: K }>, 'kind' | 'callId' | 'at' | Carried[K]>,
] extends [never]
  ? number
  : never;
/** Each kind's code: its index in KINDS. */
const KIND: { [K in Kind]: Code<K> } = {
  started: 0,
  ringing: 1,
  answered: 2,
  ended: 3,
  transcript: 4,
  media: 5,
  agent: 6,
  flow: 7,
};
/** Slots an update of each kind takes in `numbers`: kind, at, the callId's length, its fields. */
const SLOTS: Record<Kind, number> = {
  started: 8,
  ringing: 3,
  answered: 3,
  ended: 8,
  transcript: 3,
  media: 9,
  agent: 3 + 7 + 1,
  flow: 3 + 1,
};
/** An agent update's numbers, in order (a null percentile travels as NaN). */
const AGENT_FIELDS = [
  'turns',
  'silenceP50Ms',
  'silenceP95Ms',
  'interruptions',
  'deadAir',
  'agentTalkMs',
  'callerTalkMs',
] as const;

/** NaN: an optional field that is absent (no valid update holds a NaN). */
const ABSENT = Number.NaN;
const index = (list: readonly string[], v: string | undefined) =>
  v === undefined ? ABSENT : list.indexOf(v);

/**
 * Encode checked updates for the writer thread.
 * @example encodeCalls([{ kind: 'answered', callId: 'c1', at: 1 }]) // { numbers: [2, 1, 2], text: 'c1' }
 */
export function encodeCalls(updates: readonly CallUpdate[]): EncodedCalls {
  let size = 0;
  for (let i = 0; i < updates.length; i++) size += SLOTS[(updates[i] as CallUpdate).kind];
  const f = new Float64Array(size);
  const strings: string[] = [];
  const str = (s: string | undefined) => {
    if (s === undefined) return ABSENT;
    strings.push(s);
    return s.length;
  };
  let n = 0;
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i] as CallUpdate;
    f[n++] = KIND[u.kind];
    f[n++] = u.at;
    f[n++] = str(u.callId);
    switch (u.kind) {
      case 'started':
        f[n++] = index(DIRECTIONS, u.direction);
        f[n++] = index(STORED_CALL_CHANNELS, u.channel);
        f[n++] = str(u.trunk);
        f[n++] = str(u.from);
        f[n++] = str(u.to);
        break;
      case 'ended':
        f[n++] = index(CALL_STATUSES, u.status);
        f[n++] = u.sipCode ?? ABSENT;
        f[n++] = u.q850 ?? ABSENT;
        f[n++] = index(FAILURE_REASONS, u.reason);
        f[n++] = index(HANGUP_PARTIES, u.hangupBy);
        break;
      case 'media':
        f[n++] = u.mos;
        f[n++] = u.jitterMs;
        f[n++] = u.lossPercent;
        f[n++] = u.rttMs ?? ABSENT;
        f[n++] = index(MEDIA_STREAMS, u.stream);
        f[n++] = str(u.codec);
        break;
      case 'agent':
        for (const k of AGENT_FIELDS) f[n++] = u[k] ?? ABSENT;
        f[n++] = str(u.turnList);
        break;
      case 'flow':
        f[n++] = str(u.sipFlow);
        break;
    }
  }
  return { numbers: f, text: strings.join('') };
}

/** The updates `encodeCalls` was given, field for field (absent optional fields stay absent). */
export function decodeCalls({ numbers: f, text }: EncodedCalls): CallUpdate[] {
  const out: CallUpdate[] = [];
  let n = 0;
  let p = 0;
  const str = (len: number) => {
    const s = text.slice(p, p + len);
    p += len;
    return s;
  };
  const present = (v: number) => !Number.isNaN(v);
  while (n < f.length) {
    const kind = KINDS[f[n++] as number] as Kind;
    const at = f[n++] as number;
    const callId = str(f[n++] as number);
    switch (kind) {
      case 'started': {
        const u: CallUpdate & { kind: 'started' } = {
          kind,
          callId,
          at,
          direction: DIRECTIONS[f[n++] as number] as (typeof DIRECTIONS)[number],
          channel: STORED_CALL_CHANNELS[f[n++] as number] as (typeof STORED_CALL_CHANNELS)[number],
        };
        const trunk = f[n++] as number;
        const from = f[n++] as number;
        const to = f[n++] as number;
        if (present(trunk)) u.trunk = str(trunk);
        if (present(from)) u.from = str(from);
        if (present(to)) u.to = str(to);
        out.push(u);
        break;
      }
      case 'ended': {
        const u: CallUpdate & { kind: 'ended' } = { kind, callId, at };
        const status = f[n++] as number;
        const sipCode = f[n++] as number;
        const q850 = f[n++] as number;
        const reason = f[n++] as number;
        const hangupBy = f[n++] as number;
        if (present(status)) u.status = CALL_STATUSES[status] as typeof u.status;
        if (present(sipCode)) u.sipCode = sipCode;
        if (present(q850)) u.q850 = q850;
        if (present(reason)) u.reason = FAILURE_REASONS[reason] as (typeof FAILURE_REASONS)[number];
        if (present(hangupBy)) u.hangupBy = HANGUP_PARTIES[hangupBy] as (typeof HANGUP_PARTIES)[number];
        out.push(u);
        break;
      }
      case 'media': {
        const u: CallUpdate & { kind: 'media' } = {
          kind,
          callId,
          at,
          mos: f[n++] as number,
          jitterMs: f[n++] as number,
          lossPercent: f[n++] as number,
        };
        const rtt = f[n++] as number;
        if (present(rtt)) u.rttMs = rtt;
        const stream = f[n++] as number;
        if (present(stream)) u.stream = MEDIA_STREAMS[stream] as (typeof MEDIA_STREAMS)[number];
        const codec = f[n++] as number;
        if (present(codec)) u.codec = str(codec);
        out.push(u);
        break;
      }
      case 'agent': {
        const v = (k: number) => f[n + k] as number;
        const orNull = (x: number) => (present(x) ? x : null);
        const u: CallUpdate & { kind: 'agent' } = {
          kind,
          callId,
          at,
          turns: v(0),
          silenceP50Ms: orNull(v(1)),
          silenceP95Ms: orNull(v(2)),
          interruptions: v(3),
          deadAir: v(4),
          agentTalkMs: v(5),
          callerTalkMs: v(6),
        };
        n += AGENT_FIELDS.length;
        const list = f[n++] as number;
        if (present(list)) u.turnList = str(list);
        out.push(u);
        break;
      }
      case 'flow':
        out.push({ kind, callId, at, sipFlow: str(f[n++] as number) });
        break;
      default:
        out.push({ kind, callId, at });
    }
  }
  return out;
}
