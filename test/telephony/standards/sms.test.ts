import { describe, expect, it } from 'vitest';
import {
  isReservedTpStatus,
  providerStatus,
  providerStatusDetail,
  tpStatusClass,
  tpStatusDetail,
  twilioErrorPermanence,
} from '../../../src/domain/standards/sms.js';

describe('TP-Status (3GPP TS 23.040 9.2.3.15)', () => {
  it.each([
    // byte, outcome, permanent
    [0x00, 'delivered', false], // received by the SME
    [0x01, 'delivered', false], // forwarded, delivery unconfirmed
    [0x02, 'delivered', false], // replaced by the SC
    [0x10, 'delivered', false], // SC-specific, completed class
    [0x1f, 'delivered', false],
    [0x20, 'pending', false], // congestion, SC still trying
    [0x25, 'pending', false], // error in SME, still trying
    [0x30, 'pending', false],
    [0x3f, 'pending', false],
    [0x40, 'failed', true], // remote procedure error
    [0x46, 'failed', true], // validity period expired
    [0x49, 'failed', true], // SM does not exist
    [0x50, 'failed', true],
    [0x5f, 'failed', true],
    [0x60, 'failed', false], // congestion, SC gave up
    [0x63, 'failed', false], // service rejected
    [0x65, 'failed', false],
    [0x70, 'failed', false],
    [0x7f, 'failed', false],
  ])('0x%s -> %s (permanent %s)', (byte, outcome, permanent) => {
    expect(tpStatusClass(byte)).toBe(outcome);
    expect(tpStatusDetail(byte)).toEqual({ outcome, permanent, reserved: false });
    expect(isReservedTpStatus(byte)).toBe(false);
  });

  // Reserved values are read as 0x63 "service rejected": failed, temporary, SC no longer trying.
  it.each([
    0x03,
    0x0f,
    0x26,
    0x2f,
    0x4a,
    0x4f,
    0x66,
    0x6f,
    0x80,
    0xa0,
    0xff,
    0x100,
    -1,
    1.5,
    Number.NaN,
  ])('reserved %s reads as 0x63', (byte) => {
    expect(isReservedTpStatus(byte)).toBe(true);
    expect(tpStatusClass(byte)).toBe('failed');
    expect(tpStatusDetail(byte)).toEqual({ outcome: 'failed', permanent: false, reserved: true });
    expect(tpStatusDetail(byte).outcome).toBe(tpStatusDetail(0x63).outcome);
    expect(tpStatusDetail(byte).permanent).toBe(tpStatusDetail(0x63).permanent);
  });

  it('returns shared frozen objects (no allocation per call)', () => {
    expect(tpStatusDetail(0x00)).toBe(tpStatusDetail(0x01));
    expect(tpStatusDetail(0x40)).toBe(tpStatusDetail(0x5f));
    expect(Object.isFrozen(tpStatusDetail(0x20))).toBe(true);
  });
});

describe('providerStatus (Twilio MessageStatus)', () => {
  it.each([
    ['accepted', undefined, 'pending'],
    ['scheduled', undefined, 'pending'],
    ['queued', undefined, 'pending'],
    ['sending', undefined, 'pending'],
    ['sent', undefined, 'pending'],
    ['delivered', undefined, 'delivered'],
    ['read', undefined, 'delivered'],
    ['failed', 30008, 'failed'],
    ['canceled', undefined, 'failed'],
    ['undelivered', 30003, 'failed'], // handset off: temporary, but Twilio has stopped trying
    ['undelivered', 30005, 'failed'], // unknown handset: permanent
    ['undelivered', undefined, 'failed'],
    ['DELIVERED', undefined, 'delivered'],
    [' Sent ', undefined, 'pending'],
    ['Undelivered', '30006', 'failed'],
    ['receiving', undefined, 'unknown'], // inbound
    ['received', undefined, 'unknown'],
    ['partially_delivered', undefined, 'unknown'],
    ['', undefined, 'unknown'],
    ['deliverd', undefined, 'unknown'],
  ] as const)('%j (error %s) -> %s', (status, code, outcome) => {
    expect(providerStatus(status, code)).toBe(outcome);
  });

  it.each([
    ['undelivered', 30003, { outcome: 'failed', permanent: false }],
    ['undelivered', 30005, { outcome: 'failed', permanent: true }],
    ['undelivered', 30006, { outcome: 'failed', permanent: true }],
    ['failed', 21610, { outcome: 'failed', permanent: true }],
    ['failed', 12345, { outcome: 'failed', permanent: undefined }],
    ['undelivered', undefined, { outcome: 'failed', permanent: undefined }],
    ['canceled', undefined, { outcome: 'failed', permanent: false }],
    ['delivered', undefined, { outcome: 'delivered', permanent: undefined }],
  ] as const)('detail %s %s', (status, code, expected) => {
    expect(providerStatusDetail(status, code)).toEqual(expected);
  });

  it.each([
    [30001, 'temporary'],
    [30003, 'temporary'],
    [30008, 'temporary'],
    [30009, 'temporary'],
    [30002, 'permanent'],
    [30004, 'permanent'],
    [30005, 'permanent'],
    [30006, 'permanent'],
    [30007, 'permanent'],
    [30010, 'permanent'],
    ['30006', 'permanent'],
    [99999, 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('twilioErrorPermanence(%s) -> %s', (code, kind) => {
    expect(twilioErrorPermanence(code)).toBe(kind);
  });
});
