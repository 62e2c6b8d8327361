import { detectPii } from '../guard/pii.js';
import { isSecretKey, MASK, redactSecrets } from '../secrets.js';

/** Keys whose values are ours and known safe; a trace id would otherwise read as a long hex id. */
const TRUSTED_KEYS = new Set(['trace_id', 'span_id', 'trace_flags']);
/** Deeper than this, a value is replaced whole: a log line is not a place for deep trees. */
const MAX_DEPTH = 8;

/** A value the operator configured (a listen URL): logged as it is, but for credentials in it. */
export class Trusted {
  constructor(readonly value: string) {}
  toJSON(): string {
    return this.value;
  }
}

/**
 * Mark a value as configuration or sidetone's own, not data, so the redactor leaves it: the
 * sidecar's own listen URL is an IP address and would otherwise read as PII, a call's `call_ref`
 * digest may read as a number. Never use it for anything taken from an event as it is.
 *
 * @example
 * log.info({ url: trusted(served.url) }, 'sidetone listening');
 */
export function trusted(value: string): Trusted {
  return new Trusted(value);
}

/** What a redacted value becomes: the kind found, never any of the value. */
export function redacted(kind: string): string {
  return `[redacted:${kind}]`;
}

/** Punctuation around a word that is the sentence's, not the word's: `(`, `,`, `;`, quotes, a full stop. */
const AROUND = /^([("'[{<]*)(.*?)([)"'\]}>,;:.!?]*)$/s;

/**
 * A sentence keeps its words: only the flagged words are replaced, and of a word only what the
 * punctuation around it encloses, so `to +447700900123,` keeps its comma and a line break after a
 * number keeps the next line (words were split on spaces only: `x\nline three` lost `\nline`).
 * The result is checked again whole, and if the detector still finds something (a number written
 * with spaces, `+44 7700 900123`, spans words) the whole string goes.
 */
function redactString(value: string): string {
  const kind = detectPii(value);
  if (kind === undefined) return value;
  // Words and the whitespace between them, every separator kept as it was.
  const words = value.split(/(\s+)/);
  if (words.length === 1) return redacted(kind);
  let changed = false;
  for (let i = 0; i < words.length; i += 2) {
    const word = words[i] as string;
    const k = detectPii(word);
    if (k === undefined) continue;
    changed = true;
    const m = AROUND.exec(word);
    const core = m?.[2] ?? '';
    words[i] =
      m !== null && core !== '' && detectPii(core) !== undefined
        ? `${m[1]}${redacted(k)}${m[3]}`
        : redacted(k);
  }
  if (!changed) return redacted(kind);
  const out = words.join('');
  return detectPii(out) === undefined ? out : redacted(kind);
}

/**
 * A copy of `value` fit for a log line: secrets go first (the value of a key named as one, a
 * configured secret anywhere, credentials in URLs: src/secrets.ts), then every string (and
 * every number, since a phone number may arrive as one) that the guard's value-level detector
 * flags is replaced by `[redacted:<kind>]`,
 * object keys included; errors keep their class and a redacted message and stack. In a sentence
 * only the flagged words go, and only if what is left reads as clean; otherwise the whole value
 * goes, so no part of a number survives. Never throws.
 *
 * @example
 * redactValue({ to: '+447700900123', code: 486 }); // { to: '[redacted:phone]', code: 486 }
 */
export function redactValue(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(redactSecrets(value));
    case 'number':
    case 'bigint': {
      const kind = detectPii(String(value));
      return kind === undefined ? value : redacted(kind);
    }
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (value instanceof Trusted) return redactSecrets(value.value);
  if (depth >= MAX_DEPTH) return '[redacted:depth]';
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: redactValue(value.message, depth + 1),
    };
    if (value.stack !== undefined) out.stack = redactValue(value.stack, depth + 1);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = redactValue(code, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const kind = detectPii(k);
    const key = kind === undefined ? k : `${redacted(kind)}#${i}`;
    out[key] = isSecretKey(k)
      ? MASK
      : TRUSTED_KEYS.has(k) && typeof v === 'string'
        ? v
        : redactValue(v, depth + 1);
    i++;
  }
  return out;
}
