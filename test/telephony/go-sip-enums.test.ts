/**
 * The Go SIP metrics package's enums (seed 004, its package documentation) as events: every value
 * its constants define is accepted by the event schema (what `POST /events` checks) and counted, its
 * spellings under sidetone's label values; BYE is counted by the call's direction as BYE(direction,
 * by, reasonClass) is.
 */
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/events/schemas.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { sample, setup } from './helpers.js';

// From the seed, verbatim: `DTLSResultOK = "ok" DTLSResultFail = "fail" DTLSResultTimeout = "timeout"
// DTLSResultFingerprintMismatch = "fingerprint-mismatch"` and `STIRResultVerified = "verified"
// STIRResultFailed = "failed" STIRResultSoftFail = "soft-fail" // verifier rejected but call
// continued STIRResultNoIdent = "no-identity"`.
const DTLS = {
  ok: 'success',
  fail: 'failure',
  timeout: 'timeout',
  'fingerprint-mismatch': 'fingerprint_mismatch',
};
const STIR = { verified: 'passed', failed: 'failed', 'soft-fail': 'soft_fail', 'no-identity': 'no_identity' };

/** Through the schema `POST /events` applies, then onto the bus. */
function accepted(input: Record<string, unknown>): SidetoneEvent {
  const r = parseEvent(input);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return (r as { event: SidetoneEvent }).event;
}

// `RefreshResultOK = "ok" // peer accepted with 200 Refresh422Bumped = "422-bumped" // got 422,
// retried with peer Min-SE Refresh422GaveUp = "422-gave-up" // second 422, stopped
// Refresh481DialogGone = "481" // dialog disappeared RefreshRoleSwappedToUAS = "role-swap" // peer
// flipped refresher to itself`.
const REFRESH = {
  ok: 'refreshed',
  '422-bumped': 'retried',
  '422-gave-up': 'failed',
  '481': 'dialog_gone',
  'role-swap': 'role_swapped',
};

describe("the Go SIP package's enums", () => {
  it('TransactionTimeout(method) names no timer: INVITE counts under B, other methods under F (RFC 3261 17.1)', () => {
    const { bus, registry } = setup();
    bus.emit(accepted({ type: 'sip.transaction_timeout', method: 'INVITE' }));
    bus.emit(accepted({ type: 'sip.transaction_timeout', method: 'BYE' }));
    bus.emit(accepted({ type: 'sip.transaction_timeout', method: 'INVITE', timer: 'H' }));
    const text = registry.render();
    expect(sample(text, 'sidetone_sip_transaction_timeouts_total{method="INVITE",timer="B"}')).toBe(1);
    expect(sample(text, 'sidetone_sip_transaction_timeouts_total{method="BYE",timer="F"}')).toBe(1);
    expect(sample(text, 'sidetone_sip_transaction_timeouts_total{method="INVITE",timer="H"}')).toBe(1);
  });

  it('session-timer refresher events ok, 422-bumped, 422-gave-up, 481, role-swap are accepted and counted apart', () => {
    const { bus, registry } = setup();
    for (const result of Object.keys(REFRESH)) bus.emit(accepted({ type: 'sip.session_refresh', result }));
    const text = registry.render();
    for (const [seed, label] of Object.entries(REFRESH))
      expect(sample(text, `sidetone_sip_session_refreshes_total{result="${label}"}`), seed).toBe(1);
    expect(parseEvent({ type: 'sip.session_refresh', result: '500' }).ok).toBe(false);
  });

  it('DTLS handshake results ok, fail, timeout, fingerprint-mismatch are accepted and counted', () => {
    const { bus, registry } = setup();
    for (const result of Object.keys(DTLS)) bus.emit(accepted({ type: 'sip.dtls_handshake', result }));
    // sidetone's own names are the same values.
    bus.emit(accepted({ type: 'sip.dtls_handshake', result: 'timeout' }));
    const text = registry.render();
    for (const [seed, label] of Object.entries(DTLS))
      expect(sample(text, `sidetone_sip_dtls_handshakes_total{result="${label}"}`), seed).toBe(
        seed === 'timeout' ? 2 : 1,
      );
  });

  it('STIR results verified, failed, soft-fail, no-identity are accepted and counted', () => {
    const { bus, registry } = setup();
    for (const result of Object.keys(STIR))
      bus.emit(accepted({ type: 'sip.stir_verification', result, attestation: 'A' }));
    const text = registry.render();
    for (const label of Object.values(STIR))
      expect(sample(text, `sidetone_sip_stir_verifications_total{result="${label}",attestation="A"}`)).toBe(
        1,
      );
  });

  it('an unknown result is still refused, naming the accepted ones', () => {
    const r = parseEvent({ type: 'sip.dtls_handshake', result: 'maybe' });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('fingerprint-mismatch');
  });

  it('BYE(direction, by, reason): hangups are counted by the direction of the call', () => {
    const { bus, registry } = setup();
    // BYE(inbound, remote, normal): the far end called us and hung up, so the caller did.
    bus.emit(accepted({ type: 'call.started', callId: 'in-1', direction: 'inbound', channel: 'sip' }));
    bus.emit(accepted({ type: 'call.answered', callId: 'in-1' }));
    bus.emit(accepted({ type: 'call.ended', callId: 'in-1', hangupBy: 'caller', q850: 16 }));
    // BYE(outbound, local, normal): we called and hung up: the caller again, on an outbound call.
    bus.emit(accepted({ type: 'call.started', callId: 'out-1', direction: 'outbound', channel: 'sip' }));
    bus.emit(accepted({ type: 'call.answered', callId: 'out-1' }));
    bus.emit(accepted({ type: 'call.ended', callId: 'out-1', hangupBy: 'caller', q850: 16 }));
    const text = registry.render();
    for (const direction of ['inbound', 'outbound'])
      expect(
        sample(
          text,
          `sidetone_call_hangups_total{direction="${direction}",hangup_by="caller",cause="normal"}`,
        ),
      ).toBe(1);
  });
});
