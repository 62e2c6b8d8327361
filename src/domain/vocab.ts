/**
 * Closed vocabularies shared by the event schemas (what an event may say) and the metric
 * catalogue (which label values a series may take). One list per concept, so an event field and
 * the label it feeds cannot disagree. The stored records' words are ./records.ts, the metric-only
 * label lists ./labels.ts; src/domain imports nothing from the rest of src/ (test/package/layers.test.ts).
 */

/** Who initiated: `inbound` = the far end called or sent to us; `outbound` = we did. */
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** How a call reached the system. */
export const CALL_CHANNELS = ['sip', 'pstn', 'webrtc'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];

/** The parties that can end a call (a stored call keeps one of these, ./records.ts). */
export const HANGUP_PARTIES = ['caller', 'callee', 'system'] as const;
/** Which side ended a call, as an event says it: a party, or `unknown` (stored as no value). */
export const HANGUP_BY = [...HANGUP_PARTIES, 'unknown'] as const;
export type HangupBy = (typeof HANGUP_BY)[number];

/** Why an SMS could not be submitted (mapped from +CMS ERROR codes or provider error text). */
export const SMS_FAILURE_REASONS = [
  'timeout',
  'network',
  'rejected',
  'invalid_number',
  'modem',
  'quota',
  'other',
] as const;
export type SmsFailureReason = (typeof SMS_FAILURE_REASONS)[number];

/** Why the host lost its modem. */
export const MODEM_DISCONNECT_REASONS = [
  'usb',
  'at_timeout',
  'power',
  'sim',
  'network',
  'manual',
  'other',
] as const;
export type ModemDisconnectReason = (typeof MODEM_DISCONNECT_REASONS)[number];

/**
 * Steps of the modem recovery ladder: reopen the port, reset the modem (`AT+CFUN=1,1`, full mode
 * only), wait for the network registration. Each is counted with its outcome.
 */
export const MODEM_RECOVERY_STEPS = ['reopen', 'reset', 'registration'] as const;
export type ModemRecoveryStep = (typeof MODEM_RECOVERY_STEPS)[number];

export { AT_ERROR_CLASSES, AT_ERROR_KINDS } from './standards/at-errors.js';
export { SIM_STATES } from './standards/cpin.js';

/** Which 3GPP TS 27.007 registration command reported a <stat> (one per domain, standards/registration.ts). */
export { DOMAIN_COMMANDS as REGISTRATION_COMMANDS } from './standards/registration.js';

/** SIP registration outcome (client side: we registered; server side: a UA registered with us). */
export const SIP_REGISTRATION_RESULTS = ['success', 'challenged', 'failed', 'timeout'] as const;
export type SipRegistrationResult = (typeof SIP_REGISTRATION_RESULTS)[number];

/**
 * What a successful REGISTER did to its address of record (RFC 3261 10.2): bound it, refreshed a
 * binding that was still active, or removed it (Expires 0, `expires=0` on every Contact, or
 * `Contact: *`). A failed or challenged REGISTER carries the kind it asked for.
 */
export const SIP_REGISTRATION_KINDS = ['register', 'reregister', 'unregister'] as const;
export type SipRegistrationKind = (typeof SIP_REGISTRATION_KINDS)[number];
/** Changes of a binding: the kinds above, and `expired` (not refreshed before its interval ran out). */
export const SIP_BINDING_CHANGES = [...SIP_REGISTRATION_KINDS, 'expired'] as const;

/**
 * The parties of a call's SIP flow (`sip.flow`), by role: the first message's sender is the caller,
 * where the INVITE went last before its first final answer the callee, every other host (address
 * and port) a proxy in order of appearance; a seventh host and later `other`. Roles only: no
 * address, number or URI.
 */
export const SIP_FLOW_PARTIES = [
  'caller',
  'proxy',
  'proxy_2',
  'proxy_3',
  'proxy_4',
  'callee',
  'other',
] as const;
export type SipFlowParty = (typeof SIP_FLOW_PARTIES)[number];

/** Which way an RTP stream of a call flows, from the side that sent the INVITE. */
export const MEDIA_STREAMS = ['caller_to_callee', 'callee_to_caller'] as const;
export type MediaStream = (typeof MEDIA_STREAMS)[number];

/**
 * Media missing from an answered call, judged a set time after the answer from the receivers'
 * RTCP: no stream reported at all, or only one direction (one-way audio).
 */
export const MEDIA_ANOMALIES = ['no_media', 'one_way'] as const;
export type MediaAnomaly = (typeof MEDIA_ANOMALIES)[number];

/** RFC 3261 17.1 client transaction timers that end a transaction without a final response. */
export const SIP_TIMERS = ['B', 'F', 'H'] as const;

/**
 * RFC 4028 session refresh: 2xx to the refresh; a 422 answered by retrying with the peer's Min-SE
 * (7.4, `retried`); the peer made itself the refresher (`role_swapped`); 481, the dialog is gone
 * (`dialog_gone`); another failure response (`failed`, a second 422 included); or the session
 * expired with no refresh.
 */
export const SESSION_REFRESH_RESULTS = [
  'refreshed',
  'retried',
  'role_swapped',
  'failed',
  'dialog_gone',
  'expired',
] as const;
/** The Go SIP package's refresher events (seed 004's Refresh*): accepted, counted as sidetone's. */
export const SESSION_REFRESH_ALIASES = {
  ok: 'refreshed',
  '422-bumped': 'retried',
  '422-gave-up': 'failed',
  '481': 'dialog_gone',
  'role-swap': 'role_swapped',
} as const satisfies Record<string, (typeof SESSION_REFRESH_RESULTS)[number]>;

/**
 * RFC 8224 verification result (the verstat of RFC 8588 / ATIS-1000074 reads the same way).
 * `soft_fail`: the verifier rejected the Identity but the call was let through.
 */
export const STIR_RESULTS = ['passed', 'failed', 'soft_fail', 'no_identity'] as const;
/** The Go SIP package's names for STIR results (seed 004's STIRResult*): accepted, counted as sidetone's. */
export const STIR_RESULT_ALIASES = {
  verified: 'passed',
  'soft-fail': 'soft_fail',
  'no-identity': 'no_identity',
} as const satisfies Record<string, (typeof STIR_RESULTS)[number]>;

/** DTLS-SRTP handshake outcome (RFC 5764): done, failed, no answer in time, certificate fingerprint ≠ SDP's (RFC 8122). */
export const DTLS_RESULTS = ['success', 'failure', 'timeout', 'fingerprint_mismatch'] as const;
/** The Go SIP package's names for DTLS outcomes (seed 004's DTLSResult*): accepted, counted as sidetone's. */
export const DTLS_RESULT_ALIASES = {
  ok: 'success',
  fail: 'failure',
  'fingerprint-mismatch': 'fingerprint_mismatch',
} as const satisfies Record<string, (typeof DTLS_RESULTS)[number]>;
/** RFC 8588 PASSporT `attest` claim. */
export const STIR_ATTESTATIONS = ['A', 'B', 'C'] as const;

/** Digest authentication (RFC 3261 22): accepted, challenged (401/407), or refused. */
export const SIP_AUTH_RESULTS = ['success', 'challenge', 'failure'] as const;

export const SUCCESS_FAILURE = ['success', 'failure'] as const;

/** Why a voice-AI provider call failed. */
export const AI_ERROR_REASONS = [
  'timeout',
  'network',
  'rate_limit',
  'auth',
  'bad_input',
  'server',
  'other',
] as const;
export type AiErrorReason = (typeof AI_ERROR_REASONS)[number];

/** Which first byte a voice-AI latency measures. */
export const AI_LATENCY_STAGES = ['end_to_end', 'asr', 'llm', 'tts'] as const;
export type AiLatencyStage = (typeof AI_LATENCY_STAGES)[number];

/**
 * The stages the silence a caller hears is split into, in pipeline order (docs/sources/voice-agents.md): each
 * segment is the wait on that stage after every earlier one was done, so the segments sum to the
 * whole. `remainder` is what no stage covers (queueing, network, playout start).
 *
 * - `stt`: to the final transcript; `endpointing`: to the end-of-turn decision;
 * - `llm_ttft`: to the first token of the turn's first LLM call;
 * - `tool`: a reply that called tools, to the last tool's result (the first call's remaining
 *   output, which streams the call's arguments, then the tools' run; later rounds of call and
 *   tool, when the model chained several);
 * - `llm2_ttft`: after the tools, to the first token of the last LLM call, whose words are spoken;
 * - `thinking`: from the spoken call's first token to its first answer token (reasoning streamed
 *   first: Pipecat's TTFAT minus TTFB, TTFATMetricsData);
 * - `tts_ttfb`: to the first synthesized audio; `remainder`: to the first audio played.
 *
 * `tool`, `llm2_ttft` and `thinking` exist only in the turns that have them (a reply without a tool
 * has no tool stage, not an unknown one); the other five are in every turn. Eight stages: the
 * breakdown's cover masks are one byte (src/telephony/outcome/turns.ts).
 */
export const TURN_STAGES = [
  'stt',
  'endpointing',
  'llm_ttft',
  'tool',
  'llm2_ttft',
  'thinking',
  'tts_ttfb',
  'remainder',
] as const;
export type TurnStage = (typeof TURN_STAGES)[number];
/** Stages only some turns have: absent from a turn without them, never unknown there. */
export const OPTIONAL_TURN_STAGES = ['tool', 'llm2_ttft', 'thinking'] as const satisfies readonly TurnStage[];
/**
 * Segment labels: the stages, plus `unattributed` for time that could not be split because a
 * stage's end was not reported (the stages around it are joined), so a missing stage is never a 0.
 */
export const TURN_SEGMENTS = [...TURN_STAGES, 'unattributed'] as const;
export type TurnSegment = (typeof TURN_SEGMENTS)[number];

/**
 * Overlapping speech, by what came of it: `barge_in` (the caller spoke over the agent and the agent
 * stopped), `talked_over` (the caller spoke and the agent kept talking), `false_interruption` (the
 * agent stopped for a sound of the caller's, a backchannel or noise, and resumed),
 * `agent_over_caller` (the agent started while the caller was still speaking).
 */
export const INTERRUPTION_KINDS = [
  'barge_in',
  'talked_over',
  'false_interruption',
  'agent_over_caller',
] as const;
export type InterruptionKind = (typeof INTERRUPTION_KINDS)[number];

/**
 * What an answering-machine detector decided a callee is, as LiveKit Agents names it (livekit/agents
 * @ da6af86 voice/amd/classifier.py L28-33 `AMDCategory`; agents-js @ 8c88e3b agents/src/voice/amd.ts
 * L33-38, the same values): a person, an IVR menu, a voicemail greeting, a mailbox that takes no
 * message, or no verdict in time.
 */
export const AMD_CATEGORIES = [
  'human',
  'machine-ivr',
  'machine-vm',
  'machine-unavailable',
  'uncertain',
] as const;
export type AmdCategory = (typeof AMD_CATEGORIES)[number];

/** Who is speaking, for talk time: the agent, or the caller (the agent listening). */
export const SPEAKERS = ['agent', 'caller'] as const;

export const WEBRTC_RESULTS = ['connected', 'failed'] as const;

/** SIM/OTA session kinds seen on a test bench (TS 102 225/226 remote management, SGP.22 downloads). */
export const SIM_SESSION_KINDS = ['ota', 'rfm', 'ram', 'profile_download', 'test'] as const;
/** Transport of a SIM session (TS 102 225 SMS-PP, TS 102 226 HTTPS/CAT_TP, TS 102 223 BIP, PC/SC, AT+CSIM). */
export const SIM_PROTOCOLS = ['sms_pp', 'https', 'cat_tp', 'bip', 'pcsc', 'at'] as const;
export const SIM_SESSION_RESULTS = ['success', 'failure', 'timeout', 'aborted'] as const;
/**
 * Why an APDU got no status word: no answer within the waiting time (ISO/IEC 7816-3 WT), a
 * transmission error (T=0 parity, T=1 EDC) that retries did not cure, the card removed, the reader
 * or its driver failed (PC/SC, a modem's AT+CSIM), or an answer too malformed to carry a SW.
 */
export const SIM_APDU_ERRORS = ['timeout', 'transmission', 'card_removed', 'reader', 'protocol'] as const;
/**
 * The bearer of a BIP channel (ETSI TS 102 223, OPEN CHANNEL's Bearer description): circuit
 * switched data, a GPRS/UTRAN packet service, E-UTRAN (LTE), NG-RAN (5G), a WLAN, Bluetooth, or the
 * terminal's default bearer. CardLink's `gprs` is `gprs` here, its `wifi` is `wlan`.
 */
export const BIP_BEARERS = ['csd', 'gprs', 'e_utran', 'ng_ran', 'wlan', 'bluetooth', 'default'] as const;

/** SIP transports (RFC 3261 18, RFC 7118 WebSocket); `webrtc` for browser legs whatever carries them. */
export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss', 'webrtc'] as const;

/** Audio codecs by their SDP rtpmap names (RFC 3551 and successors), lower case; others are `other`. */
export const CODECS = [
  'pcmu',
  'pcma',
  'g722',
  'g729',
  'g726',
  'gsm',
  'ilbc',
  'speex',
  'opus',
  'amr',
  'amr-wb',
  'evs',
  'l16',
  'other',
] as const;

/** How a voice agent is attached to a call (the Go SIP package's engine modes). */
export const VOICE_ATTACH_MODES = ['cascaded', 'cascaded_native', 'realtime', 'pipeline'] as const;
/** `config_error`: credentials or tenant configuration unusable (the call played an error prompt). */
export const VOICE_ATTACH_RESULTS = ['ok', 'config_error', 'error'] as const;
/** The dialog (conversation) plane a voice agent talks to. */
export const DIALOG_TRANSPORTS = ['sip', 'webrtc', 'websocket'] as const;
export const RECONNECT_OUTCOMES = ['ok', 'fail'] as const;
export const WEBSOCKET_STATES = ['connected', 'disconnected'] as const;
