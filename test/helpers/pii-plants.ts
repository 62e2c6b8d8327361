/**
 * PII planted in events for the leak fuzzes (logs, every output): minimal valid events per schema,
 * every field path, generators of numbers, IMEIs, ICCIDs, IMSIs, e-mails, SIP URIs, IPs and tokens,
 * each carrying a marker, and a scanner that finds any of them in a text (separators dropped).
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { EVENT_SCHEMAS } from '../../src/events/schemas.js';
import { luhnValid } from '../../src/guard/luhn.js';

type Def = {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  entries?: Record<string, string>;
  values?: unknown[];
};
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A value the schema accepts, found from a few candidates (objects built field by field). */
export function minimal(schema: z.ZodType): unknown {
  const d = def(schema);
  if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') return undefined;
  if (d.type === 'object' && d.shape) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d.shape)) {
      const m = minimal(v);
      if (m !== undefined) out[k] = m;
    }
    return out;
  }
  if (d.type === 'enum' && d.entries) return Object.values(d.entries)[0];
  if (d.type === 'literal' && d.values) return d.values[0];
  for (const c of [1, 0, 100, 200, 1_700_000_000_000, 'x', 'INVITE', true, false, []])
    if (schema.safeParse(c).success) return c;
  throw new Error(`no minimal value for a ${d.type}`);
}

/** Cross-field rules (one of two optional fields): add optional fields until the schema accepts. */
export function completed(schema: z.ZodType, base: Record<string, unknown>): Record<string, unknown> {
  const shape = def(schema).shape ?? {};
  for (const [k, v] of Object.entries(shape)) {
    if (schema.safeParse(base).success) break;
    const inner = def(v).innerType;
    if (base[k] === undefined && inner !== undefined) base[k] = minimal(inner);
  }
  return base;
}

/** Every field path of an object schema, nested objects included. */
export function fieldPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  let d = def(schema);
  while ((d.type === 'optional' || d.type === 'default') && d.innerType) d = def(d.innerType);
  if (d.type !== 'object' || !d.shape) return [prefix];
  const out: string[][] = prefix.length > 0 ? [prefix] : [];
  for (const [k, v] of Object.entries(d.shape)) if (k !== 'type') out.push(...fieldPaths(v, [...prefix, k]));
  return out;
}

export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1] as string] = value;
}

// --- PII generators: each value carries a marker the leak scan looks for ---
export interface Plant {
  value: string | number;
  /** A run of >= 7 digits that must never appear (after dropping separators). */
  digits?: string;
  /** 12 lower-case letters that must never appear. */
  marker?: string;
  /** Matched as a whole token (IPv6). */
  exact?: string;
}
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const letters = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), { minLength: 12, maxLength: 12 })
  .map((a) => a.join(''));
const luhnComplete = (body: string) => {
  for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
  return body;
};
export const plants: fc.Arbitrary<Plant> = fc.oneof(
  digits(10).map((d) => ({ value: `+44${d}`, digits: `44${d}` })),
  digits(7).map((d) => ({ value: `+1 (555) ${d.slice(0, 3)}-${d.slice(3)}`, digits: `1555${d}` })),
  digits(9).map((d) => ({ value: `07${d}`, digits: `07${d}` })),
  digits(10).map((d) => ({ value: Number(`44${d}`), digits: `44${d}` })),
  digits(14).map((d) => {
    const imei = luhnComplete(`35${d.slice(0, 12)}`);
    return { value: imei, digits: imei };
  }),
  digits(10).map((d) => ({ value: `23415${d}`, digits: `23415${d}` })),
  digits(16).map((d) => {
    const iccid = luhnComplete(`8944${d.slice(0, 14)}`);
    return { value: iccid, digits: iccid };
  }),
  letters.map((m) => ({ value: `${m}@example.net`, marker: m })),
  fc
    .tuple(letters, digits(10))
    .map(([m, d]) => ({ value: `sip:+44${d}@${m}.example.com`, digits: `44${d}`, marker: m })),
  letters.map((m) => ({ value: `sips:${m}@pbx.example.org;transport=tls`, marker: m })),
  digits(9).map((d) => {
    const ip = `1${d.slice(0, 2)}.1${d.slice(2, 4)}.1${d.slice(4, 6)}.1${d.slice(6, 8)}`;
    return { value: ip, digits: ip.replaceAll('.', '') };
  }),
  fc.array(fc.integer({ min: 0x1000, max: 0xffff }), { minLength: 6, maxLength: 6 }).map((g) => {
    const ip = `2001:db8:${g.map((x) => x.toString(16)).join(':')}`;
    return { value: ip, exact: ip };
  }),
  fc.tuple(letters, digits(8)).map(([m, d]) => ({ value: `Bearer ${m}${d}XyZ9`, marker: m })),
  fc.tuple(letters, digits(8)).map(([m, d]) => ({ value: `sk_live_${m}${d}`, marker: m })),
  fc.tuple(letters, digits(10)).map(([m, d]) => ({
    value: `caller +44${d} (${m}@example.com) hung up`,
    digits: `44${d}`,
    marker: m,
  })),
);

const cap = (s: string) => `${s[0]?.toUpperCase()}${s.slice(1)}`;
const SURNAMES = ['Thatcher', 'Okafor', 'Nakamura', 'Fernandes', 'Kowalski', 'Lindqvist'];

/**
 * Call ids that are names (`Margaret-Thatcher-1234`, an app's own id scheme) or bare numbers (a
 * SIP Call-ID that is the caller's number): a pattern detector flags the numbers, never the names,
 * so only hashing every id keeps them out (issue 31, defect 7).
 */
export const callIdPlants: fc.Arbitrary<Plant> = fc.oneof(
  fc
    .tuple(letters, fc.constantFrom(...SURNAMES), digits(4))
    .map(([m, s, d]) => ({ value: `${cap(m)}-${s}-${d}`, marker: m })),
  digits(10).map((d) => ({ value: `+44${d}`, digits: `44${d}` })),
  digits(9).map((d) => ({ value: `07${d}`, digits: `07${d}` })),
);

/** Trunk names that are free text about a person: only the configured list keeps them out. */
export const trunkPlants: fc.Arbitrary<Plant> = fc
  .tuple(letters, fc.constantFrom('office line', 'mobile', 'home phone', 'private trunk'))
  .map(([m, w]) => ({ value: `Dr ${cap(m)} ${w}`, marker: m }));

export interface Scan {
  digits: Set<string>;
  markers: Set<string>;
  exact: Set<string>;
  /** Free text (an SMS or USSD body, a cell id) found anywhere in a line, case-insensitive. */
  texts?: Set<string>;
}

/** Every planted value found in a line. Digits: separators dropped, so `+1 (555) 123-4567` counts. */
export function leaksIn(line: string, scan: Scan): string[] {
  const found: string[] = [];
  const body = line.replace(/"time":\d+,/, '');
  const norm = body.replace(/[\s().-]/g, '');
  for (const run of norm.match(/\d{7,}/g) ?? []) {
    for (let len = 7; len <= Math.min(run.length, 24); len++)
      for (let s = 0; s + len <= run.length; s++)
        if (scan.digits.has(run.slice(s, s + len))) found.push(run.slice(s, s + len));
  }
  for (const word of body.toLowerCase().match(/[a-z]{12,}/g) ?? []) {
    for (let s = 0; s + 12 <= word.length; s++)
      if (scan.markers.has(word.slice(s, s + 12))) found.push(word.slice(s, s + 12));
  }
  for (const tok of body.toLowerCase().match(/[0-9a-f:]{10,}/g) ?? [])
    if (scan.exact.has(tok)) found.push(tok);
  if (scan.texts !== undefined && scan.texts.size > 0) {
    const lower = line.toLowerCase();
    for (const t of scan.texts) if (lower.includes(t)) found.push(t);
  }
  return found;
}

/**
 * What a modem transcript (test/sources/modem/transcripts) holds that is personal data, to scan
 * every output of its replay for: numbers in the replies (quoted, or as a PDU's address), the
 * text of messages and USSD answers, cell ids and area codes (hex, 6+ digits).
 */
export function transcriptPlants(text: string, pduNumbers: (hex: string) => string | undefined): Scan {
  const scan: Scan = { digits: new Set(), markers: new Set(), exact: new Set(), texts: new Set() };
  const replies = text
    .split('\n')
    .filter((l) => l.startsWith('<'))
    .map((l) => l.replace(/^<<? ?/, '').replace(/\\r|\\n/g, '\n'))
    .flatMap((l) => l.split('\n'));
  let bodyNext = false;
  for (const line of replies) {
    const t = line.trim();
    if (bodyNext && t !== '' && !/^(OK|ERROR|\+)/.test(t)) {
      if (/^[0-9A-F]{20,}$/i.test(t)) {
        const n = pduNumbers(t);
        if (n !== undefined && n.replace(/\D/g, '').length >= 7) scan.digits.add(n.replace(/\D/g, ''));
      } else if (t.length >= 8) scan.texts?.add(t.toLowerCase().slice(0, 40));
    }
    bodyNext = /^\+(CMGR|CMGL|CMT|CDS):/.test(t) || (bodyNext && !/^(OK|ERROR|\+)/.test(t));
    // A number with 7 digits past its leading zeros: a zero-padded id ("00000142", a cell) is no
    // number, and its digits turn up in any float of /metrics (0.00000142...).
    for (const m of t.matchAll(/"\+?(\d{7,})"|\+(\d{7,})/g))
      if (((m[1] ?? m[2]) as string).replace(/^0+/, '').length >= 7)
        scan.digits.add((m[1] ?? m[2]) as string);
    const ussd = /^\+CUSD:\s*\d\s*,\s*"?([^",]{8,})/.exec(t)?.[1];
    if (ussd !== undefined) scan.texts?.add(ussd.toLowerCase().slice(0, 40));
    if (/^\+C5?G?E?REG:/.test(t))
      for (const m of t.matchAll(/"?\b([0-9A-Fa-f]{6,10})\b"?/g))
        if (/[A-Fa-f]/.test(m[1] as string)) scan.texts?.add((m[1] as string).toLowerCase());
  }
  return scan;
}

/** Every (event, field path) to plant into: a valid minimal event of each type and each of its fields. */
export function plantTargets(): Array<{ base: Record<string, unknown>; path: string[] }> {
  return EVENT_SCHEMAS.flatMap((schema) => {
    const base = completed(schema, minimal(schema) as Record<string, unknown>);
    if (!schema.safeParse(base).success) throw new Error(`no minimal valid ${String(base.type)}`);
    return fieldPaths(schema).map((path) => ({ base, path }));
  });
}

/** Remember what a plant must never show. */
export function remember(scan: Scan, plant: Plant): void {
  if (plant.digits) scan.digits.add(plant.digits);
  if (plant.marker) scan.markers.add(plant.marker);
  if (plant.exact) scan.exact.add(plant.exact.toLowerCase());
}
