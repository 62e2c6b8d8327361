import { describe, expect, it } from 'vitest';
import { redactValue, trusted } from '../../src/logs/redact.js';

describe('redactValue', () => {
  it.each([
    ['a phone number string', { to: '+447700900123' }, { to: '[redacted:phone]' }],
    ['a phone number as a number', { msisdn: 447700900123 }, { msisdn: '[redacted:phone]' }],
    ['a SIP URI', ['sip:alice@10.0.0.7'], ['[redacted:sip_uri]']],
    [
      'safe words and small numbers stay',
      { code: 486, codec: 'PCMU', ok: true },
      { code: 486, codec: 'PCMU', ok: true },
    ],
    ['a key that is PII', { '+447700900123': 1 }, { '[redacted:phone]#0': 1 }],
    [
      'trace ids stay (they are ours, and read as long hex ids)',
      { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' },
      { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' },
    ],
    [
      'a number written with spaces spans words: the whole value goes',
      { msg: 'caller +44 7700 900123 hung up' },
      { msg: '[redacted:phone]' },
    ],
    ['nested', { a: { b: [{ c: 'mail bob@example.com' }] } }, { a: { b: [{ c: 'mail [redacted:email]' }] } }],
    // Issue 47: a flagged word took its punctuation, and a line break with the next word, with it.
    [
      'the lines and punctuation around a redacted word stay',
      {
        msg: 'line one\nto +447700900123\nline three',
        m2: 'sent to +447700900123, then (bob@example.com) failed',
      },
      {
        msg: 'line one\nto [redacted:phone]\nline three',
        m2: 'sent to [redacted:phone], then ([redacted:email]) failed',
      },
    ],
    ['tabs stay', { msg: 'to\t+447700900123\tfailed' }, { msg: 'to\t[redacted:phone]\tfailed' }],
  ])('%s', (_name, input, expected) => {
    expect(redactValue(input)).toEqual(expected);
  });

  it('an error keeps its class; message and stack are checked', () => {
    const out = redactValue(new TypeError('no route to +447700900123')) as Record<string, unknown>;
    expect(out.type).toBe('TypeError');
    expect(out.message).toBe('no route to [redacted:phone]');
    expect(String(out.stack)).not.toContain('7700900123');
  });
});

describe('trusted', () => {
  it('an operator-configured value passes through; JSON of it is the bare value', () => {
    expect(redactValue({ url: trusted('http://127.0.0.1:9464') })).toEqual({ url: 'http://127.0.0.1:9464' });
    expect(JSON.stringify({ url: trusted('http://10.0.0.1') })).toBe('{"url":"http://10.0.0.1"}');
    expect(redactValue({ url: 'http://127.0.0.1:9464' })).toEqual({ url: '[redacted:url]' });
  });
});
