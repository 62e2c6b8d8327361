/**
 * One vocabulary per concept (issue 33): src/domain holds every closed list of words, and no other
 * file in src/ writes one of them out again (a copy is how `CALL_CHANNELS` came to differ between
 * the events and the store). Where a stored record says a concept differently from an event, the
 * difference is one named definition in domain/records.ts, checked here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { RENAMED_SMS_FAILURE_REASONS, STORED_CALL_CHANNELS } from '../../src/domain/records.js';
import { CLCC_STATES, CUSD_STATUSES, clccState, cusdStatus } from '../../src/domain/standards/modem.js';
import { REGISTRATION_STATES, registrationState } from '../../src/domain/standards/registration.js';
import { CALL_CHANNELS, HANGUP_BY, HANGUP_PARTIES, SMS_FAILURE_REASONS } from '../../src/domain/vocab.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** Every array literal of three or more string literals in `path`, with its line. */
function wordLists(path: string): { words: string[]; line: number }[] {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { words: string[]; line: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isArrayLiteralExpression(n) && n.elements.length >= 3 && n.elements.every(ts.isStringLiteral)) {
      out.push({
        words: n.elements.map((e) => (e as ts.StringLiteral).text),
        line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1,
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('domain vocabularies', () => {
  it('no file outside src/domain writes out a list of words that domain defines', () => {
    const key = (w: readonly string[]) => [...w].sort().join('|');
    const domain = new Map<string, string>();
    for (const f of files(join(src, 'domain'))) {
      for (const l of wordLists(f)) domain.set(key(l.words), `${relative(src, f)}:${l.line}`);
    }
    expect(domain.size).toBeGreaterThan(40);
    const copies = files(src)
      // Generated files are written from domain's lists at build time (scripts/gen-predicates.mjs, scripts/gen-config.mjs).
      .filter((f) => !relative(src, f).startsWith('domain') && !f.endsWith('.generated.ts'))
      .flatMap((f) =>
        wordLists(f)
          .filter((l) => domain.has(key(l.words)))
          .map((l) => `${relative(src, f)}:${l.line} copies ${domain.get(key(l.words))}`),
      );
    expect(copies).toEqual([]);
  });

  it('the stored words differ from the events only where records.ts says so', () => {
    expect(STORED_CALL_CHANNELS).toEqual([...CALL_CHANNELS, 'gsm']);
    expect(HANGUP_BY).toEqual([...HANGUP_PARTIES, 'unknown']);
    // One word per SMS failure reason: the store validates against the events' list itself
    // (validate.ts; the contract suite checks each old word's refusal), and each renamed word
    // (migrated by SQLite 14 / PostgreSQL 12) is gone from it for a word in it.
    for (const [old, now] of Object.entries(RENAMED_SMS_FAILURE_REASONS)) {
      expect(SMS_FAILURE_REASONS).not.toContain(old);
      expect(SMS_FAILURE_REASONS).toContain(now);
    }
  });

  it('the modem state labels are the parsers own tables, indexed by the 27.007 value', () => {
    // One table each: the label a parser gives for value i is the label list's i-th entry, and
    // every value past the table reads as the list's `unknown`.
    expect(CLCC_STATES.map((_, i) => clccState(i))).toEqual(CLCC_STATES);
    expect(clccState(CLCC_STATES.length + 3)).toBe('unknown');
    expect(CUSD_STATUSES.map((_, i) => cusdStatus(i))).toEqual(CUSD_STATUSES);
    expect(cusdStatus(99)).toBe('unknown');
    expect(REGISTRATION_STATES.map((_, i) => registrationState(i))).toEqual(REGISTRATION_STATES);
    expect(registrationState(12)).toBe('unknown');
  });
});
