/**
 * A scripted set of 14 calls at fixed times (10:00–10:13 UTC, 15 Jan 2024), built so every KPI has
 * a hand-computable value, worked out below.
 */
import { recordIds } from '../../src/store/privacy.js';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';

export const KEY = 'analytics-test-hash-key-0123456789';
/** A call id as the store keeps and shows it (keyed hash), for expectations. */
export const cid = recordIds({ hashKey: KEY, storeRaw: false }, 'cid');
export const T0 = Date.UTC(2024, 0, 15, 10, 0, 0);
export const MIN = 60_000;

type Spec = {
  id: string;
  dir?: 'inbound' | 'outbound';
  ch?: 'sip' | 'gsm';
  trunk?: string;
  ring?: number;
  answer?: number;
  end?: number;
  transcript?: boolean;
  /** MOS, jitter ms, loss %. */
  media?: [number, number, number];
} & Partial<Pick<Extract<CallUpdate, { kind: 'ended' }>, 'sipCode' | 'q850' | 'reason' | 'hangupBy'>>;

/** Call i starts at T0 + i minutes; offsets are ms after its start. */
const SPECS: Spec[] = [
  { id: 'c01', ring: 2000, answer: 10_000, end: 70_000, sipCode: 200, media: [4.0, 10, 1] },
  { id: 'c02', ring: 3000, answer: 8000, end: 128_000, sipCode: 200, transcript: true, media: [3.5, 20, 2] },
  { id: 'c03', dir: 'inbound', ring: 1000, answer: 5000, end: 35_000, transcript: true },
  { id: 'c04', ring: 4000, end: 20_000, sipCode: 486 },
  { id: 'c05', ring: 2000, end: 30_000, sipCode: 480 },
  { id: 'c06', end: 5000, sipCode: 503, q850: 34 },
  { id: 'c07', end: 32_000, sipCode: 408 },
  { id: 'c08', end: 1000, sipCode: 302 },
  { id: 'c09', ring: 2500, end: 9000, sipCode: 487, hangupBy: 'caller' },
  { id: 'c10', ring: 1500, end: 12_000, sipCode: 603 },
  { id: 'c11', dir: 'inbound', ch: 'gsm', trunk: 'modem-1', ring: 1000, answer: 4000, end: 94_000 },
  { id: 'c12', ch: 'gsm', trunk: 'modem-1', end: 15_000, q850: 17 },
  { id: 'c13', ring: 2000, answer: 6000 }, // still active
  { id: 'c14', end: 3000, sipCode: 401 },
];

export function scriptedUpdates(base = T0): CallUpdate[] {
  const out: CallUpdate[] = [];
  SPECS.forEach((s, i) => {
    const at = base + i * MIN;
    const callId = s.id;
    out.push({
      kind: 'started',
      callId,
      at,
      direction: s.dir ?? 'outbound',
      channel: s.ch ?? 'sip',
      trunk: s.trunk ?? 'carrier-a',
      from: `+1555000${String(i).padStart(4, '0')}`,
      to: `+4420700${String(i).padStart(4, '0')}`,
    });
    if (s.ring !== undefined) out.push({ kind: 'ringing', callId, at: at + s.ring });
    if (s.answer !== undefined) out.push({ kind: 'answered', callId, at: at + s.answer });
    if (s.media) {
      const [mos, jitterMs, lossPercent] = s.media;
      out.push({ kind: 'media', callId, at: at + (s.end ?? 0), mos, jitterMs, lossPercent });
    }
    if (s.transcript) out.push({ kind: 'transcript', callId, at: at + (s.end ?? 0) });
    if (s.end !== undefined) {
      out.push({
        kind: 'ended',
        callId,
        at: at + s.end,
        ...(s.sipCode !== undefined ? { sipCode: s.sipCode } : {}),
        ...(s.q850 !== undefined ? { q850: s.q850 } : {}),
        ...(s.hangupBy !== undefined ? { hangupBy: s.hangupBy } : {}),
      });
    }
  });
  return out;
}

export function memoryStore(storeRaw = false): SqliteCallStore {
  return new SqliteCallStore({ path: ':memory:', privacy: { hashKey: KEY, storeRaw } });
}

/**
 * The KPIs of the scripted calls, worked out by hand:
 *
 * Attempts: 12 (c13 is active; c14's 401 is an authentication challenge, not an attempt: RFC 6076).
 * Answered: c01, c02, c03, c11 = 4.
 * ASR  = 4 / 12 = 33.33 %.
 * NER  = (4 answered + c04 486->17 + c05 480->18 + c10 603->21 + c12 Q.850 17) / 12 = 8 / 12 = 66.67 %.
 *        Not effective: c06 (503, cause 34), c07 (408), c08 (302), c09 (487).
 * SIP attempts: c01–c10 = 10 (c11, c12 are GSM; c14 is a challenge); 3xx: c08.
 * SER  = 200s {c01, c02, c03 answered without code} / (10 - 1) = 3 / 9 = 33.33 %.
 * SEER = (3 + c04 486 + c05 480 + c10 603) / 9 = 66.67 %.
 * ISA  = (c06 503 + c07 408) / 10 = 20 %.
 * ACD  = talk (60 + 120 + 30 + 90 s) / 4 = 75 s.
 * PDD  = (2000 + 3000 + 1000 + 4000 + 2000 + 2500 + 1500 + 1000 + 2000 [c13 rang]) / 9 = 2111.1 ms.
 * Success rate = completed 4 / 12 = 33.33 %.
 * Transcript rate = calls with a transcript 2 (c02, c03) / all 14 calls = 14.29 % (the voice-skill
 * counts every call of the period, the active c13 and the challenged c14 included).
 */
export const SCRIPTED_KPIS = {
  asr: 33.33,
  ner: 66.67,
  ser: 33.33,
  seer: 66.67,
  isa: 20,
  acdSeconds: 75,
  pddMs: 2111.1,
  successRate: 33.33,
  transcriptRate: 14.29,
};
