import { SIP_CLASSES, SIP_CODES, SIP_METHODS, STIR_ATTESTATION_LABELS } from '../../domain/labels.js';
import { sipClass, sipMethod } from '../../domain/standards/sip.js';
import {
  type Direction,
  DTLS_RESULT_ALIASES,
  DTLS_RESULTS,
  SESSION_REFRESH_ALIASES,
  SESSION_REFRESH_RESULTS,
  SIP_AUTH_RESULTS,
  SIP_BINDING_CHANGES,
  SIP_REGISTRATION_RESULTS,
  SIP_TIMERS,
  SIP_TRANSPORTS,
  type SipRegistrationResult,
  STIR_RESULT_ALIASES,
  STIR_RESULTS,
} from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';
import { Tracker } from '../tracker.js';
import { dirIndex } from './calls.js';

export interface SipPack extends PackBase {
  /** A request was sent or received. Hot path: no allocation. */
  request(direction: Direction, method: string): void;
  /** A response; `direction` is the transaction's (inbound: we are the UAS). Hot path. */
  response(direction: Direction, method: string, code: number): void;
  /** Shorthand for `response(direction, 'INVITE', code)`. Hot path. */
  inviteResult(direction: Direction, code: number): void;
  /** A REGISTER transaction completed (`unregister`: it asked to remove the binding). */
  registration(direction: Direction, result: SipRegistrationResult, unregister?: boolean): void;
  /** A transaction timed out (RFC 3261 17: B, F or H); no timer: the client timer of the method (B for INVITE, else F). */
  timeout(method: string, timer?: 'B' | 'F' | 'H'): void;
  /** Dialogs currently tracked. */
  readonly activeDialogs: number;
}

/** REGISTER result from a final response: 2xx success, 401/407 challenged, else failed; none = timeout. */
export function registrationResult(code: number | undefined): SipRegistrationResult {
  if (code === undefined) return 'timeout';
  if (code >= 200 && code < 300) return 'success';
  return code === 401 || code === 407 ? 'challenged' : 'failed';
}

/**
 * SIP signalling: requests and responses per method and class (bounded by RFC 3261 rules:
 * unknown or lower-case methods and codes outside 100..699 are `other`), registrations,
 * dialogs, transaction timeouts, session timers (RFC 4028), STIR (RFC 8224), DTLS-SRTP and
 * digest auth. Every (direction, method, class) series is bound once, then reused.
 * @example
 * const sip = sipPack(registry);
 * sip.inviteResult('inbound', 486); // sidetone_sip_responses_total{direction="inbound",method="INVITE",class="4xx"} 1
 */
export function sipPack(registry: Registry, options: PackOptions = {}): SipPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'sip');
  const methods = new Enum(SIP_METHODS);
  const classes = new Enum(SIP_CLASSES);
  const regResults = new Enum(SIP_REGISTRATION_RESULTS);
  const timers = new Enum(SIP_TIMERS);
  const refreshes = new Enum(SESSION_REFRESH_RESULTS);
  const stirResults = new Enum(STIR_RESULTS);
  const dtlsResults = new Enum(DTLS_RESULTS);
  // The Go SIP package's spellings count as sidetone's (a property read, no allocation).
  const stirResult = (r: string) => stirResults.of((STIR_RESULT_ALIASES as Record<string, string>)[r] ?? r);
  const dtlsResult = (r: string) => dtlsResults.of((DTLS_RESULT_ALIASES as Record<string, string>)[r] ?? r);
  const refreshResult = (r: string) =>
    refreshes.of((SESSION_REFRESH_ALIASES as Record<string, string>)[r] ?? r);
  const attestations = new Enum(STIR_ATTESTATION_LABELS);
  const authResults = new Enum(SIP_AUTH_RESULTS);
  const INVITE = methods.of('INVITE');
  const TIMER_B = timers.of('B');
  const TIMER_F = timers.of('F');
  // One lookup per message instead of sipMethod + sipClass + two enum lookups; both tables are
  // built from the standards functions, so they bound exactly as sipMethod/sipClass do.
  const methodIndex = new Map<string, number>(SIP_METHODS.map((name) => [name, methods.of(sipMethod(name))]));
  const classIndex = Int8Array.from({ length: 1000 }, (_, code) => classes.of(sipClass(code)));
  const method = (name: string) => methodIndex.get(name) ?? methods.other;
  const cls = (code: number) =>
    code >= 0 && code < 1000 && Number.isInteger(code) ? (classIndex[code] as number) : classes.other;

  const requests = m.counter('sip_requests_total');
  const responses = m.counter('sip_responses_total');
  const byCode = m.counter('sip_responses_by_code_total');
  const byTransport = m.counter('sip_calls_by_transport_total');
  const transports = new Enum(SIP_TRANSPORTS);
  // Status code -> label index, built once: the hot path does an array read, never String(code).
  const codes = new Enum(SIP_CODES);
  const codeIndex = new Int16Array(700).fill(codes.other);
  for (let c = 100; c < 700; c++) codeIndex[c] = codes.of(String(c));
  const code = (c: number) => (c >= 100 && c < 700 ? (codeIndex[c] as number) : codes.other);
  const registrations = m.counter('sip_registrations_total');
  const unregistrations = m.counter('sip_unregistrations_total');
  const trunks = m.config('trunks');
  const changes = new Enum(SIP_BINDING_CHANGES);
  const bindings = m.counter('sip_registration_bindings_total');
  const registered = m.gauge('sip_registrations_active');
  const rrd = m.histogram('sip_registration_request_delay_seconds');
  // Registered addresses per (direction, trunk), kept here so the gauge never goes below zero
  // when an expiry or removal arrives for a binding registered before sidetone started.
  const active = new Int32Array(3 * (trunks.size + 1));
  const binding = (d: number, t: number, change: number, delta: number) => {
    bindings.at(d, t, change).inc();
    const i = d * (trunks.size + 1) + t;
    const n = Math.max(0, (active[i] as number) + delta);
    active[i] = n;
    registered.at(d, t).set(n);
  };
  const created = m.counter('sip_dialogs_created_total').at();
  const terminated = m.counter('sip_dialogs_terminated_total').at();
  const activeDialogs = m.gauge('sip_dialogs_active', () => dialogs.sweep(o.now())).at();
  const timeouts = m.counter('sip_transaction_timeouts_total');
  const sessionRefreshes = m.counter('sip_session_refreshes_total');
  const stir = m.counter('sip_stir_verifications_total');
  const dtls = m.counter('sip_dtls_handshakes_total');
  const dtlsSeconds = m.histogram('sip_dtls_handshake_seconds').at();
  const auth = m.counter('sip_auth_attempts_total');
  const flowMessages = m.histogram('sip_flow_messages').at();
  const dialogs = new Tracker<{ at: number }>(o.maxTracked, o.maxAgeSeconds * 1000, () =>
    activeDialogs.dec(),
  );

  const pack: SipPack = {
    name: 'sip',
    request(direction, name) {
      requests.at(dirIndex(direction), method(name)).inc();
    },
    response(direction, name, status) {
      const mi = method(name);
      responses.at(dirIndex(direction), mi, cls(status)).inc();
      byCode.at(mi, code(status)).inc();
    },
    inviteResult(direction, status) {
      responses.at(dirIndex(direction), INVITE, cls(status)).inc();
      byCode.at(INVITE, code(status)).inc();
    },
    registration(direction, result, unregister) {
      (unregister === true ? unregistrations : registrations)
        .at(dirIndex(direction), regResults.of(result))
        .inc();
    },
    timeout(name, timer) {
      const m = method(name);
      // RFC 3261 17.1.1.2 (Timer B, INVITE client transaction) and 17.1.2.2 (Timer F, non-INVITE).
      timeouts.at(m, timer !== undefined ? timers.of(timer) : m === INVITE ? TIMER_B : TIMER_F).inc();
    },
    get activeDialogs() {
      return dialogs.size;
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('sip.request', (e) => pack.request(e.direction, e.method)),
        bus.on('sip.response', (e) => pack.response(e.direction, e.method, e.code)),
        bus.on('call.started', (e) => {
          if (e.transport !== undefined)
            byTransport.at(dirIndex(e.direction), transports.of(e.transport)).inc();
        }),
        bus.on('sip.registration', (e) => {
          const result = e.result ?? registrationResult(e.code);
          pack.registration(e.direction, result, e.kind === 'unregister');
          if (result !== 'success' || e.kind === undefined) return;
          const d = dirIndex(e.direction);
          const t = e.trunk === undefined ? trunks.other : trunks.of(e.trunk);
          binding(d, t, changes.of(e.kind), e.kind === 'register' ? 1 : e.kind === 'unregister' ? -1 : 0);
          if (e.seconds !== undefined && e.kind !== 'unregister') rrd.at(d, t).observe(e.seconds);
        }),
        bus.on('sip.registration_expired', (e) => {
          const t = e.trunk === undefined ? trunks.other : trunks.of(e.trunk);
          binding(dirIndex(e.direction), t, changes.of('expired'), -1);
        }),
        bus.on('sip.dialog_created', (e) => {
          const now = o.now();
          if (!dialogs.add(e.dialogId, { at: now }, now)) return; // a repeated id is one dialog
          created.inc();
          activeDialogs.inc();
        }),
        bus.on('sip.dialog_terminated', (e) => {
          terminated.inc();
          if (dialogs.take(e.dialogId) !== undefined) activeDialogs.dec();
        }),
        bus.on('sip.transaction_timeout', (e) => pack.timeout(e.method, e.timer)),
        bus.on('sip.session_refresh', (e) => sessionRefreshes.at(refreshResult(e.result)).inc()),
        bus.on('sip.stir_verification', (e) =>
          stir.at(stirResult(e.result), attestations.of(e.attestation ?? 'none')).inc(),
        ),
        bus.on('sip.dtls_handshake', (e) => {
          dtls.at(dtlsResult(e.result)).inc();
          if (e.seconds !== undefined) dtlsSeconds.observe(e.seconds);
        }),
        bus.on('sip.auth', (e) => auth.at(dirIndex(e.direction), authResults.of(e.result)).inc()),
        bus.on('sip.flow', (e) => flowMessages.observe(e.messages.length + (e.dropped ?? 0))),
      ]),
  };
  return pack;
}
