import { z } from 'zod';
import { SIP_METHODS } from '../../domain/labels.js';
import {
  DIRECTIONS,
  DTLS_RESULT_ALIASES,
  DTLS_RESULTS,
  SESSION_REFRESH_ALIASES,
  SESSION_REFRESH_RESULTS,
  SIP_AUTH_RESULTS,
  SIP_FLOW_PARTIES,
  SIP_REGISTRATION_KINDS,
  SIP_REGISTRATION_RESULTS,
  SIP_TIMERS,
  STIR_ATTESTATIONS,
  STIR_RESULT_ALIASES,
  STIR_RESULTS,
} from '../../domain/vocab.js';
import { configName, count, event, pii, seconds, storedId } from './base.js';

const direction = z
  .enum(DIRECTIONS)
  .meta({ description: 'Of the transaction: inbound = the request came to us (we are the UAS)' });
const method = z.string().max(32).meta({ description: 'SIP method, case-sensitive (RFC 3261 7.1)' });
const code = z.number().int().min(100).max(699);
const callId = pii('SIP Call-ID', 256).optional();
/** The alias names of a vocabulary, as a tuple z.enum takes. */
const aliasNames = <K extends string>(aliases: Record<K, string>) => Object.keys(aliases) as K[];

export const sipRequest = event('sip.request', 'A SIP request was sent or received', {
  method,
  direction,
  callId,
  from: pii('From URI', 256).optional(),
  to: pii('To URI', 256).optional(),
  requestUri: pii('Request-URI', 256).optional(),
});

export const sipResponse = event('sip.response', 'A SIP response was sent or received', {
  method: method.meta({ description: 'Method of the transaction (CSeq method)' }),
  code: code.meta({ description: 'Status code' }),
  direction,
  callId,
  reasonPhrase: pii('Reason phrase', 256).optional(),
});

export const sipRegistration = event('sip.registration', 'A REGISTER transaction completed', {
  direction,
  result: z
    .enum(SIP_REGISTRATION_RESULTS)
    .optional()
    .meta({ description: 'Derived from code when absent (401/407 challenged, no code timeout)' }),
  code: code.optional().meta({ description: 'Final response' }),
  kind: z.enum(SIP_REGISTRATION_KINDS).optional().meta({
    description:
      'register: new binding; reregister: refresh of an active one; unregister: Expires 0. On a failure, the kind asked',
  }),
  trunk: configName(
    'Trunk the REGISTER went to or came from; a label only when listed in `trunks`',
  ).optional(),
  seconds: seconds(
    'Registration Request Delay (RFC 6076 4.1): first REGISTER of the chain to its 2xx, challenges included',
  ).optional(),
  aor: pii('Address of record', 256).optional(),
});

export const sipRegistrationExpired = event(
  'sip.registration_expired',
  'A binding ran out without a refresh (RFC 3261 10.2.1.1: the registrar removes it at its expiry)',
  {
    direction,
    trunk: configName('Trunk of the registration; a label only when listed in `trunks`').optional(),
  },
);

export const sipDialogCreated = event('sip.dialog_created', 'A dialog was established (RFC 3261 12)', {
  dialogId: pii('Dialog id (Call-ID + tags)', 512),
});
export const sipDialogTerminated = event('sip.dialog_terminated', 'A dialog ended', {
  dialogId: pii('Dialog id (Call-ID + tags)', 512),
});

export const sipTransactionTimeout = event(
  'sip.transaction_timeout',
  'A transaction timed out without a final response (RFC 3261 17: Timer B, F or H)',
  {
    method,
    timer: z.enum(SIP_TIMERS).optional().meta({
      description:
        "B: INVITE client, F: non-INVITE client, H: ACK wait. Absent (the Go SIP package's TransactionTimeout(method)): B for INVITE, F otherwise",
    }),
    callId,
  },
);

export const sipSessionRefresh = event(
  'sip.session_refresh',
  'A session-timer refresh completed (RFC 4028)',
  {
    result: z.enum([...SESSION_REFRESH_RESULTS, ...aliasNames(SESSION_REFRESH_ALIASES)]).meta({
      description:
        'retried: a 422 answered with a retry at the Min-SE (RFC 4028 7.4); role_swapped: the peer took the ' +
        'refresher role; dialog_gone: 481; expired: no refresh before Session-Expires. The Go SIP ' +
        "package's ok, 422-bumped, 422-gave-up, 481 and role-swap are accepted and counted as refreshed, " +
        'retried, failed, dialog_gone, role_swapped',
    }),
    code: code
      .optional()
      .meta({ description: 'Response to the refresh (422 Session Interval Too Small...)' }),
    callId,
  },
);

export const sipStirVerification = event(
  'sip.stir_verification',
  'STIR/SHAKEN Identity verification (RFC 8224)',
  {
    result: z.enum([...STIR_RESULTS, ...aliasNames(STIR_RESULT_ALIASES)]).meta({
      description:
        'no_identity: no Identity header to verify; soft_fail: rejected, call let through. The Go SIP ' +
        "package's verified, soft-fail and no-identity are accepted and counted as passed, soft_fail, no_identity",
    }),
    attestation: z
      .enum(STIR_ATTESTATIONS)
      .optional()
      .meta({ description: 'PASSporT attest claim (RFC 8588)' }),
    code: code.optional().meta({ description: 'Error response when failed (428, 436, 437, 438)' }),
    origTn: pii('Originating telephone number', 64).optional(),
    destTn: pii('Destination telephone number', 64).optional(),
    callId,
  },
);

export const sipDtlsHandshake = event('sip.dtls_handshake', 'A DTLS-SRTP handshake finished (RFC 5764)', {
  result: z.enum([...DTLS_RESULTS, ...aliasNames(DTLS_RESULT_ALIASES)]).meta({
    description:
      'fingerprint_mismatch: the certificate does not match the SDP fingerprint (RFC 8122). The Go SIP ' +
      "package's ok, fail and fingerprint-mismatch are accepted and counted as success, failure, fingerprint_mismatch",
  }),
  seconds: seconds('Handshake duration').optional(),
  error: pii('Error text', 1024).optional(),
  callId,
});

export const sipAuth = event('sip.auth', 'A digest authentication step (RFC 3261 22)', {
  direction: direction.meta({ description: 'inbound: we challenged a UA; outbound: we were challenged' }),
  result: z.enum(SIP_AUTH_RESULTS),
  username: pii('Username', 128).optional(),
  realm: pii('Realm', 256).optional(),
});

/** Messages of one call's flow at most (src/sources/hep/flow.ts FLOW_MAX). */
export const SIP_FLOW_MAX = 64;

export const sipFlow = event(
  'sip.flow',
  "A call's SIP message sequence (the ladder): kept for failed calls and a sample of others (hep.flow_sample)",
  {
    callId: storedId('SIP Call-ID of the call (stored as the call record is)'),
    messages: z
      .array(
        z.strictObject({
          atMs: z
            .number()
            .int()
            .min(0)
            .max(604_800_000)
            .meta({ description: 'Capture time after the first message, ms' }),
          from: z.enum(SIP_FLOW_PARTIES).meta({ description: 'Sender, by role (no address)' }),
          to: z.enum(SIP_FLOW_PARTIES).meta({ description: 'Receiver, by role' }),
          method: z
            .enum([...SIP_METHODS, 'other'])
            .meta({ description: 'The request, or the CSeq method a response answers' }),
          code: code.optional().meta({ description: 'Status code; absent for a request' }),
          q850: z
            .number()
            .int()
            .min(0)
            .max(127)
            .optional()
            .meta({ description: 'Reason: Q.850;cause= (RFC 3326)' }),
        }),
      )
      .max(SIP_FLOW_MAX),
    // A count like every other (unbounded, a phone number posted here reached the flow
    // histogram's _sum: the PII fuzz).
    dropped: count('Messages past the bound, not kept').optional(),
  },
);

export const sipEvents = [
  sipRequest,
  sipResponse,
  sipRegistration,
  sipRegistrationExpired,
  sipDialogCreated,
  sipDialogTerminated,
  sipTransactionTimeout,
  sipSessionRefresh,
  sipStirVerification,
  sipDtlsHandshake,
  sipAuth,
  sipFlow,
] as const;
