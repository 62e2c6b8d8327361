/** The updates that feed the call-record store (types.ts): call lifecycle and SMS events. */
// The record vocabularies are domain's (one list per concept); the store's names for them.
import type { SmsOutcome } from '../../domain/labels.js';
import type {
  StoredChannel as Channel,
  EndStatus,
  FailureReason,
  HangupParty as HangupBy,
} from '../../domain/records.js';
import type { AmdCategory, Direction, MediaStream, SmsFailureReason } from '../../domain/vocab.js';
import type { TurnSummary } from '../../telephony/outcome/turns.js';

interface UpdateBase {
  /** Stable id of the call (SIP Call-ID, modem call index + session, agent session id). At most 200 chars. */
  callId: string;
  /** When the event happened, epoch ms. */
  at: number;
}

/**
 * One fact about a call. Updates may arrive duplicated or in any order; the store converges to the
 * same record: times take the earliest report, end details come from the earliest `ended` that
 * carries them, media keeps the worst values seen.
 */
export type CallUpdate =
  | (UpdateBase & {
      kind: 'started';
      direction: Direction;
      channel: Channel;
      trunk?: string;
      /** Phone number or SIP URI; stored hashed and masked (raw only when the operator enables it). */
      from?: string;
      to?: string;
      /**
       * The end-to-end call this leg belongs to (a B2BUA's legs share it, sources/hep/legs.ts): kept
       * as the keyed hash call ids are. At most 200 chars.
       */
      endToEndId?: string;
      /**
       * The carrier's price for this call's trunk (`voiceai.prices` [[trunks]]), fixed when it
       * starts: its cost is this times its talk time, on read.
       */
      carrier?: CarrierPrice;
    })
  | (UpdateBase & { kind: 'ringing' })
  | (UpdateBase & { kind: 'answered' })
  | (UpdateBase & {
      kind: 'ended';
      /** Explicit outcome; when absent it is derived from answer, SIP code, Q.850 cause and reason. */
      status?: EndStatus;
      /** Final SIP response to the INVITE (100..699). */
      sipCode?: number;
      /** Q.850 cause value (0..127). */
      q850?: number;
      reason?: FailureReason;
      hangupBy?: HangupBy;
    })
  | (UpdateBase & { kind: 'transcript' })
  /**
   * The voice agent's turns on the call so far, as a whole (telephony/outcome/turns.ts): the store
   * keeps the summary with the most turns (then interruptions), so repeats and reordering converge.
   */
  | (UpdateBase & {
      kind: 'agent';
      /**
       * The call's first turns (at most TURN_LIST_MAX) as compact JSON rows (./turn-list.ts);
       * absent when they did not change: the stored list then stays.
       */
      turnList?: string;
    } & TurnSummary)
  /**
   * The call's SIP message sequence (the ladder, `sip.flow`) as compact JSON of its messages: the
   * store keeps the longest it was given, so a repeat converges.
   */
  | (UpdateBase & { kind: 'flow'; sipFlow: string })
  /** The answering-machine detector's verdict (`at`: when it was given; the earliest is kept). */
  | (UpdateBase & { kind: 'amd'; category: AmdCategory })
  /**
   * The agent's provider cost so far (sinks/call-costs.ts sums the call's usage reports): the
   * store keeps the one folding the most reports, so repeats and reordering converge.
   */
  | (UpdateBase & { kind: 'cost' } & VoiceCost)
  /**
   * One RTCP-derived report: the call's worst values, and with `stream` its direction's worst
   * (RFC 3550 reports are per interval, so a call's figure is the worst interval, not the last).
   */
  | (UpdateBase & {
      kind: 'media';
      mos: number;
      jitterMs: number;
      lossPercent: number;
      rttMs?: number;
      stream?: MediaStream;
      /** The codec as the report named it (one the E-model knows: the report was scored). */
      codec?: string;
    });

export type CallUpdateKind = CallUpdate['kind'];

/** A carrier's price for one call's trunk. */
export interface CarrierPrice {
  /** ISO 4217, the price file's. */
  currency: string;
  perMinute: number;
  incrementSeconds: number;
}

/** A call's agent-side cost in one currency, by stage, over `reports` usage reports. */
export interface VoiceCost {
  currency: string;
  llm: number;
  stt: number;
  tts: number;
  /** Usage reports folded in (priced or not). */
  reports: number;
  /** Of them, reports with an amount in a unit the price file does not price (their cost is missing). */
  unpriced: number;
}

interface SmsBase {
  /** Gateway message id (namespace it per modem/provider if ids can collide). At most 200 chars. */
  messageId: string;
  at: number;
}

/**
 * Which submission a report or failure belongs to, when the source knows only the reference: the
 * most recent submission with this reference on this gateway that has no final outcome yet, else
 * one sent with no gateway; with no gateway, one on any gateway (an app that names the modem on
 * one event and not the other still matches). A TP-MR (0..255) wraps per modem, so the reference
 * alone is not an identity, and a submission on another gateway is never taken.
 */
export interface SmsMatch {
  reference: string;
  gateway?: string;
}

/** One fact about an SMS; like calls, duplicates and reordering converge. */
export type SmsUpdate =
  | (SmsBase & { kind: 'received'; from?: string; to?: string; gateway?: string; segments?: number })
  | (SmsBase & {
      kind: 'sent';
      from?: string;
      to?: string;
      gateway?: string;
      segments?: number;
      /** TP-MR or provider id, kept so reports can find this submission ({@link SmsMatch}). */
      reference?: string;
    })
  /**
   * Delivery report: `statusCode` is the TP-Status (3GPP TS 23.040) or provider error code. With
   * `match`, filed under the matching pending submission; `messageId` only when none matches.
   */
  | (SmsBase & { kind: 'delivery'; outcome: SmsOutcome; statusCode?: number; match?: SmsMatch })
  | (SmsBase & {
      kind: 'send_failed';
      reason?: SmsFailureReason;
      statusCode?: number;
      match?: SmsMatch;
    });
