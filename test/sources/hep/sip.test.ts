import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { header, parseSip, uriUser } from '../../../src/sources/hep/sip.js';
import { trimmed } from '../../../src/sources/hep/sip-fields.js';

const parse = (s: string) => parseSip(Buffer.from(s));

describe('parseSip (RFC 3261 7)', () => {
  it('compact header forms, folded lines and bare LF', () => {
    const m = parse(
      'INVITE sip:+15551234567@b.example SIP/2.0\n' +
        'v: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK-7\n' +
        'f: "A" <sip:+15550001@a.example>;tag=ft\n' +
        't: <tel:+15551234567>\n' +
        'i: abc@host\n' +
        'CSeq: 7\n INVITE\n' +
        'x: 90\n' +
        'c: application/SDP\n' +
        'X-Carrier: b\n\nv=0\n',
    );
    expect(m).toMatchObject({
      method: 'INVITE',
      code: 0,
      callId: 'abc@host',
      cseq: 7,
      fromTag: 'ft',
      toTag: '',
      fromUser: '+15550001',
      toUser: '+15551234567',
      branch: 'z9hG4bK-7',
      transport: 'tcp',
      sessionExpires: true,
      contentType: 'application/sdp',
      body: 'v=0\n',
    });
    expect(m && header(m, 'x-carrier')).toBe('b');
    expect(m && header(m, 'Call-ID')).toBe('abc@host');
  });

  it('responses take their method from CSeq; Reason gives the Q.850 cause (RFC 3326)', () => {
    const m = parse(
      'SIP/2.0 503 Service Unavailable\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=34;text="x"\r\n\r\n',
    );
    expect(m).toMatchObject({ method: 'INVITE', code: 503, q850: 34 });
  });

  it.each([
    ['no Call-ID', 'SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['no CSeq', 'SIP/2.0 200 OK\r\nCall-ID: a\r\n\r\n'],
    ['bad code', 'SIP/2.0 999 Nope\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['CSeq method differs', 'BYE sip:a SIP/2.0\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['not SIP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('refuses %s', (_name, text) => {
    expect(parse(text)).toBeUndefined();
  });

  it.each([
    ['"Bob" <sip:+4420@host>;tag=1', '+4420'],
    ['<sips:alice@host>', 'alice'],
    ['sip:host.example', ''],
    ['<tel:+15551234567;phone-context=x>', '+15551234567'],
    ['garbage', ''],
  ])('uriUser(%s) = %s', (value, user) => {
    expect(uriUser(value)).toBe(user);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('', 'SIP/2.0 200 OK\r\n', 'INVITE sip:a SIP/2.0\r\n'),
        (s, start) => {
          parseSip(Buffer.from(start + s));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseSip limits', () => {
  it('refuses a Call-ID longer than the store keeps (200)', () => {
    const msg = (id: string) => `SIP/2.0 200 OK\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\n\r\n`;
    expect(parseSip(Buffer.from(msg('a'.repeat(200))))?.callId).toHaveLength(200);
    expect(parseSip(Buffer.from(msg('a'.repeat(201))))).toBeUndefined();
  });
});

// The parser reads names, tags and URI users by hand on its fast paths (issue 35's replay cost);
// these properties hold it to the grammar whatever the spelling, order, folding or line ends.
describe('parseSip reads every spelling the same (property)', () => {
  // Each header the tracker reads: its full name, its compact form (RFC 3261 7.3.3) when it has one.
  const names = {
    callId: ['Call-ID', 'i'],
    cseq: ['CSeq'],
    from: ['From', 'f'],
    to: ['To', 't'],
    via: ['Via', 'v'],
    contact: ['Contact', 'm'],
    expires: ['Expires'],
    reason: ['Reason'],
    contentType: ['Content-Type', 'c'],
  } as const;
  const spelling = (forms: readonly string[]) =>
    fc
      .tuple(
        fc.constantFrom(...forms),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.constantFrom('', ' ', '\t '),
      )
      .map(
        ([n, up, pad]) => [...n].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join('') + pad,
      );
  const token = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,12}$/);
  const user = fc.stringMatching(/^\+?[A-Za-z0-9]{1,10}$/);
  const sep = fc.constantFrom(';', '; ', ';\t', ' ;  ');
  const tagWord = fc.constantFrom('tag', 'TAG', 'Tag');

  it('gives the fields as written, in any case, order, folding and line end', () => {
    fc.assert(
      fc.property(
        fc.record({
          request: fc.boolean(),
          register: fc.boolean(),
          eol: fc.constantFrom('\r\n', '\n'),
          fold: fc.constantFrom('', '\r\n ', '\n\t'),
          callId: token,
          cseq: fc.integer({ min: 0, max: 2 ** 31 }),
          fromUser: user,
          toUser: user,
          fromTag: fc.option(token, { nil: undefined }),
          toTag: fc.option(token, { nil: undefined }),
          tagSep: sep,
          tagWord,
          branch: token,
          transport: fc.constantFrom('UDP', 'tcp', 'TLS', 'ws'),
          cause: fc.integer({ min: 0, max: 127 }),
          expires: fc.integer({ min: 0, max: 86_400 }),
          spell: fc.record(
            Object.fromEntries(Object.entries(names).map(([k, forms]) => [k, spelling(forms)])) as {
              [K in keyof typeof names]: fc.Arbitrary<string>;
            },
          ),
          noise: fc.array(
            fc.constantFrom('Max-Forwards: 70', 'l: 0', 'User-Agent: x', 'X-Via: v', 'Tov: 1'),
            {
              maxLength: 4,
            },
          ),
          order: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
        }),
        (g) => {
          const method = g.register ? 'REGISTER' : 'INVITE';
          const tagged = (t: string | undefined) => (t === undefined ? '' : `${g.tagSep}${g.tagWord}=${t}`);
          const lines = [
            `${g.spell.callId}: ${g.callId}`,
            `${g.spell.cseq}: ${g.cseq}${g.fold === '' ? ' ' : g.fold}${method}`,
            `${g.spell.from}: "A B" <sip:${g.fromUser}@a.example>${tagged(g.fromTag)}`,
            `${g.spell.to}:<sip:${g.toUser}@b.example;user=phone>${tagged(g.toTag)}`,
            `${g.spell.via}: SIP/2.0/${g.transport} 10.0.0.1:5060;${g.fold}branch=${g.branch}`,
            `${g.spell.contact}: <sip:${g.fromUser}@10.0.0.1>;expires=${g.expires}`,
            `${g.spell.reason}: Q.850;cause=${g.cause}`,
            `${g.spell.contentType}: Application/SDP`,
            ...g.noise,
          ]
            .map((l, i) => [l, g.order[i] ?? 0] as const)
            .sort((a, b) => a[1] - b[1])
            .map(([l]) => l.replaceAll('\r\n', g.eol === '\n' ? '\n' : '\r\n'));
          const start = g.request ? `${method} sip:${g.toUser}@b.example SIP/2.0` : 'SIP/2.0 200 OK';
          const m = parse(`${[start, ...lines].join(g.eol)}${g.eol}${g.eol}`);
          expect(m).toMatchObject({
            method,
            code: g.request ? 0 : 200,
            callId: g.callId,
            cseq: g.cseq,
            fromUser: g.fromUser,
            toUser: g.toUser,
            fromTag: g.fromTag ?? '',
            toTag: g.toTag ?? '',
            branch: g.branch,
            transport: g.transport.toLowerCase(),
            q850: g.cause,
            contentType: 'application/sdp',
            expires: g.register ? g.expires : -1,
          });
          expect(m?.headers).toHaveLength(lines.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  // The grammar the hand scans follow, as the regexes they replace state it.
  const tagOf = (v: string) => /;\s*tag=([^;\s,>]+)/i.exec(v)?.[1] ?? '';
  const userOf = (v: string) => {
    const lt = v.indexOf('<');
    const uri = lt >= 0 ? v.slice(lt + 1, v.indexOf('>', lt) >>> 0) : v;
    const m = /^\s*(?:sips?|tel):([^@;>?\s]*)/i.exec(uri);
    return m === null ? '' : /^tel:/i.test(uri.trim()) || uri.includes('@') ? (m[1] as string) : '';
  };
  const piece = fc.constantFrom(
    ';',
    'tag=',
    'TaG=',
    ' ',
    '\t',
    '\u00a0',
    '\u2028',
    '\ufeff',
    'é',
    '>',
    '<',
    ',',
    '@',
    '?',
    'sip:',
    'sips:',
    'tel:',
    'x',
    '7',
    '=',
  );
  // One header line: no CR or LF inside.
  const value = fc
    .oneof(
      fc.array(piece, { maxLength: 14 }).map((p) => p.join('')),
      fc.string({ unit: 'binary', maxLength: 40 }),
    )
    .filter((s) => !/[\r\n]/.test(s));

  it('reads a From/To tag and URI user as the grammar does, whatever the characters', () => {
    fc.assert(
      fc.property(value, value, (tail, uri) => {
        const from = `${uri}${tail}`;
        const m = parse(`SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nFrom: ${from}\r\n\r\n`);
        if (m === undefined) return;
        const v = from.trim();
        expect(m.fromTag).toBe(tagOf(v));
        expect(m.fromUser).toBe(userOf(v).slice(0, 64));
        expect(uriUser(v)).toBe(userOf(v));
      }),
      { numRuns: 5000 },
    );
  });
});

// CSeq is scanned in place (sip-fields.ts cseq, issue 35's replay cost): held to the regex it replaced.
describe('parseSip reads CSeq as its grammar does (property)', () => {
  const grammar = /^(\d{1,10})\s+([A-Za-z][A-Za-z-]{0,31})$/;
  const piece = fc.constantFrom(
    '1',
    '0',
    '4294967295',
    '12345678901',
    ' ',
    '\t',
    '\u00a0',
    '\ufeff',
    '\u2028',
    'INVITE',
    'ACK',
    'invite',
    'x-Y',
    '-',
    'é',
    'A'.repeat(32),
    'B'.repeat(33),
    ';',
    '\u000b',
  );
  const value = fc
    .oneof(
      fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
      fc.string({ unit: 'binary', maxLength: 30 }),
    )
    .filter((s) => !/[\r\n]/.test(s));

  it('number and method, or refusal, exactly as /^(\\d{1,10})\\s+([A-Za-z][A-Za-z-]{0,31})$/ on the trimmed value', () => {
    fc.assert(
      fc.property(value, (v) => {
        const m = parse(`SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq:${v}\r\n\r\n`);
        const want = grammar.exec(v.trim());
        if (want === null) expect(m).toBeUndefined();
        else expect(m).toMatchObject({ cseq: Number(want[1]), method: want[2] });
      }),
      { numRuns: 5000 },
    );
  });

  it('a request method is the literal every module compares against, whatever header order', () => {
    const m = parse('OPTIONS sip:a SIP/2.0\r\nCSeq: 3 OPTIONS\r\nCall-ID: k\r\n\r\n');
    expect(m).toMatchObject({ method: 'OPTIONS', cseq: 3, code: 0 });
    expect(parse('FOO sip:a SIP/2.0\r\nCSeq: 3 FOO\r\nCall-ID: k\r\n\r\n')?.method).toBe('FOO');
    expect(parse('F@O sip:a SIP/2.0\r\nCSeq: 3 F@O\r\nCall-ID: k\r\n\r\n')).toBeUndefined();
  });

  // RFC 3261 7.3.1: a line starting with whitespace continues the header before it, as the header
  // lines (header()) join them, also across a blank line left by mixed line ends.
  it('a folded header continues across a blank line as the header lines join it', () => {
    const m = parse('SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 7\n\n\r\n INVITE\r\nX-A: 1\r\n\r\n');
    expect(m).toMatchObject({ cseq: 7, method: 'INVITE' });
    expect(m?.headers).toEqual(['Call-ID: a', 'CSeq: 7 INVITE', 'X-A: 1']);
  });
});

describe('trimmed (the header values parseSip slices)', () => {
  it('is .slice(from, to).trim() for any text and bounds (property)', () => {
    const text = fc.oneof(
      fc
        .array(fc.constantFrom(' ', '\t', '\u000b', '\u00a0', '\ufeff', '\u2028', '\u3000', 'a', 'é', ';'), {
          maxLength: 12,
        })
        .map((p) => p.join('')),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (s, a, b) => {
        const from = a % (s.length + 1);
        const to = from + (b % (s.length - from + 1));
        expect(trimmed(s, from, to)).toBe(s.slice(from, to).trim());
      }),
      { numRuns: 5000 },
    );
  });
});
