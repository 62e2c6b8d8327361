/**
 * The transcripts whose host is not sidetone (an SMS sender, a test of error replies, a storage
 * probe) driven through the AT channel exactly as their capture host drove the modem: each command
 * ends at its final result code, never at a timeout, with the final, error class, listing or
 * message reference the checkpoints give.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAtError } from '../../../src/domain/standards/at-errors.js';
import { AtChannel, type AtResponse } from '../../../src/sources/modem/at.js';
import { parseCds, parseCmgl } from '../../../src/sources/modem/sms.js';
import { TRANSCRIPTS } from './replay.js';

const decodeEscapes = (s: string) =>
  s.replace(/\\(x[0-9A-Fa-f]{2}|[rnt\\"])/g, (_m, e: string) =>
    e[0] === 'x'
      ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
      : ({ r: '\r', n: '\n', t: '\t' }[e] ?? e),
  );

interface Sent {
  command: string;
  /** `+NAME:` lines the transcript gives this command before its final result. */
  expected: number;
  response?: AtResponse;
  timedOut?: boolean;
}

/** Drive one transcript; returns each checkpoint with what the channel made of it. */
async function drive(file: string) {
  const text = readFileSync(join(TRANSCRIPTS, file), 'utf8');
  const raw = /^# framing: raw/m.test(text);
  const sent: Sent[] = [];
  const urcs: Array<[string, string | undefined]> = [];
  const at = new AtChannel(
    () => {},
    (line, next) => urcs.push([line, next]),
  );
  const inflight: Promise<void>[] = [];
  const settle = () => Promise.all(inflight.splice(0));
  const checks: Array<{ key: string; value: string; got: unknown }> = [];
  let body = false;
  for (const line of text.split('\n')) {
    if (!body && line.startsWith('#')) continue;
    if (line.startsWith('#') || line.trim() === '') continue;
    body = true;
    const cmd = /^>!? (.*)$/.exec(line);
    if (cmd !== null) {
      const s: Sent = { command: (cmd[1] as string).replace(/\*$/, '1'), expected: 0 };
      sent.push(s);
      inflight.push(
        at.send(s.command, 700).then(
          (r) => {
            s.response = r;
          },
          () => {
            s.timedOut = true;
          },
        ),
      );
    } else if (line.startsWith('<< ') || line.startsWith('< ') || line === '<') {
      const bytes = line.startsWith('<<')
        ? decodeEscapes(line.slice(3))
        : raw
          ? decodeEscapes(line.slice(2))
          : `\r\n${line.slice(2)}\r\n`;
      const s = sent[sent.length - 1];
      const tag = /^AT([+^][A-Z0-9]+)/i.exec(s?.command ?? '')?.[1]?.toUpperCase();
      if (s !== undefined && s.response === undefined && tag !== undefined)
        s.expected += bytes
          .split(/[\r\n]+/)
          .filter((l) => l.trim().toUpperCase().startsWith(`${tag}:`)).length;
      at.feed(bytes);
    } else if (line.startsWith('? ')) {
      await settle();
      const [k, ...v] = line.slice(2).split('=');
      checks.push({
        key: (k as string).trim(),
        value: v.join('=').trim(),
        got: state(sent, urcs, (k as string).trim()),
      });
    }
  }
  await settle();
  return { sent, urcs, checks, garbage: at.garbage };
}

const finalName = (f: string) => {
  const e = parseAtError(f);
  if (f === 'OK') return 'ok';
  if (e?.kind === 'vendor') return `vendor:${f.replace(/:.*/, '')}`;
  if (e !== undefined) return e.kind === 'error' ? 'error' : e.kind;
  return f
    .toLowerCase()
    .replace(/ /g, '_')
    .replace(/^connect.*/, 'connect');
};

function state(sent: Sent[], urcs: Array<[string, string | undefined]>, key: string): unknown {
  const last = sent[sent.length - 1];
  const errors = sent
    .map((s) => (s.response === undefined ? undefined : parseAtError(s.response.final)))
    .filter((e) => e !== undefined && e.kind !== 'error');
  const lastError = errors[errors.length - 1];
  switch (key) {
    case 'final':
      return last?.response === undefined ? 'timeout' : finalName(last.response.final);
    case 'error':
      return lastError === undefined ? undefined : `${lastError.kind}:${lastError.code}`;
    case 'error.class':
      return lastError?.class;
    case 'error.count >':
      return errors.length;
    case 'final.vendor >':
      return errors.filter((e) => e?.kind === 'vendor').length;
    case 'sms.sent_mr':
      return Number(/\+CMGS:\s*(\d+)/.exec(last?.response?.lines.join('\n') ?? '')?.[1]);
    case 'sms.listed':
    case 'sms.bad_records': {
      const r = parseCmgl(last?.response?.lines ?? []);
      return key === 'sms.listed' ? r.listed.length : r.bad;
    }
    case 'device.model':
      return last?.response?.lines[0];
    case 'echo':
      return last?.response?.echoed === true ? 'on' : 'off';
    default:
      if (key.startsWith('sms.report')) {
        const r = urcs.map(([l, n]) => parseCds(l, n)).filter((x) => x?.type === 'status');
        return r.map(
          (x) => x?.type === 'status' && `mr=${x.reference} st=0x${x.tpStatus.toString(16).padStart(2, '0')}`,
        );
      }
      return undefined;
  }
}

/** Transcripts whose host is not sidetone. */
const VECTORS = [
  'errors-cme-cms-numeric.txt',
  'final-codes-vendor.txt',
  'framing-echo-line-endings.txt',
  'sms-cnmi-test.txt',
  'sms-storage-cpms.txt',
  'sms-send-cmgs.txt',
  'sms-pdu-cmgl-listing.txt',
];

/**
 * Received messages and unreadable records over every listing of a file. sms-pdu-cmgl-listing's
 * header counts 5 records and 1 bad: one record is a stored outgoing message (Pantech, <stat> 3),
 * not a received one; the record glued to a cut-short PDU (lua-lluv-gsmmodem) is read; the cut
 * record still names its sender (only its text is cut), so it counts: 5 received, none unreadable.
 */
const LISTINGS: Record<string, [number, number]> = { 'sms-pdu-cmgl-listing.txt': [5, 0] };

const EXACT = new Set(['final', 'error', 'error.class', 'sms.sent_mr', 'device.model', 'echo']);

describe('transcripts driven through the AT channel by their own host', () => {
  it.each(VECTORS)('%s', async (file) => {
    const r = await drive(file);
    // No command waited for a final result the modem had sent (vendor codes, +CPIN without OK).
    expect(r.sent.filter((s) => s.timedOut).map((s) => s.command)).toEqual([]);
    // Every information line reached its own command: as many `+NAME:` lines as the transcript has.
    for (const x of r.sent) {
      const tag = /^AT([+^][A-Z0-9]+)/i.exec(x.command)?.[1]?.toUpperCase();
      if (tag !== undefined)
        expect(x.response?.lines.filter((l) => l.startsWith(`${tag}:`)).length, x.command).toBe(x.expected);
    }
    const listing = LISTINGS[file];
    if (listing !== undefined) {
      const all = r.sent
        .filter((x) => x.command.startsWith('AT+CMGL'))
        .map((x) => parseCmgl(x.response?.lines ?? []));
      expect([all.reduce((n, l) => n + l.listed.length, 0), all.reduce((n, l) => n + l.bad, 0)]).toEqual(
        listing,
      );
    }
    for (const c of r.checks) {
      if (EXACT.has(c.key)) expect(String(c.got), `${file}: ${c.key}`).toBe(c.value);
      else if (c.key.endsWith('>'))
        expect(c.got as number, `${file}: ${c.key}`).toBeGreaterThanOrEqual(Number(c.value));
      else if (c.key === 'sms.listed' || c.key === 'sms.bad_records')
        expect(String(c.got), `${file}: ${c.key}`).toBe(c.value);
      else if (c.key.startsWith('sms.report'))
        expect(c.got as string[], `${file}: ${c.key}`).toContain(
          `${c.key.slice(11)}=${c.value}`.replace(/ final=.*/, ''),
        );
    }
  });
});
