import { isIP } from 'node:net';
import { detectPii } from '../guard/pii.js';
import { isSecretKey } from '../secrets.js';
import { PACK_NAMES } from '../telephony/catalogue/types.js';

/**
 * What the configuration schema checks and changes beyond types and limits, as plain functions:
 * the schema (schema.ts) refines and transforms with these very functions, and the generated fast
 * path (fast.generated.ts) calls them by name, so both run one definition. Nothing here loads zod.
 */

/** The packs that can be switched off (`source` heartbeats are always on). */
export const CONFIG_PACKS = PACK_NAMES.filter((p) => p !== 'source');

/**
 * Whether a dotted key path (`auth.scrape_tokens.0`, `push.password`) is, or is inside, a secret:
 * decided by the key's name (src/secrets.ts), so a new `*_token` or `*_password` key is
 * masked everywhere without being listed. URL keys are not secrets whole: the credentials inside
 * them are masked wherever they are shown.
 * @example isSecretPath('push.password'); // true
 */
export function isSecretPath(path: string): boolean {
  return isSecretKey(path);
}

/** `203.0.113.0/24`, `2001:db8::/32` or a bare address. */
function isCidr(value: string): boolean {
  const [ip = '', bits, extra] = value.split('/');
  const v = isIP(ip);
  if (v === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
}

/** A label value every pushed series carries holds no personal data. */
const noPii = (v: string): boolean => detectPii(v) === undefined;

// job and instance have their own keys; le and quantile belong to histogram and summary series.
const RESERVED_LABELS = new Set(['job', 'instance', 'le', 'quantile']);
/** A label name of `push.external_labels` that no series sets itself. */
const freeLabelName = (n: string): boolean => !RESERVED_LABELS.has(n) && !n.startsWith('__');

/** `site=kitchen,region=eu` (an environment variable or a flag) as a table; a table as it is. */
function labelList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    // Left unparsed: the record schema then names what is wrong with it.
    if (eq <= 0) return value;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** No modem named: the one modem is `modem0`. */
const modemsOrDefault = (m: string[]): string[] => (m.length === 0 ? ['modem0'] : m);

/**
 * The refinements and transforms of the schema, by the name the generated fast path calls them
 * with: the schema marks each use with its name (fnMark in schema.ts), which its JSON Schema
 * carries to scripts/gen-config.mjs; a name not found here fails the generation.
 */
export const CONFIG_FNS = { isCidr, noPii, freeLabelName, labelList, modemsOrDefault } as const;

/** A problem across keys: the key it is reported on, the value there, and what is expected. */
export interface CrossFieldIssue {
  path: [string, string];
  input: unknown;
  message: string;
}

/** The parts of the resolved configuration the rules across keys read. */
interface CrossFieldInput {
  server: { headers_timeout_ms: number; request_timeout_ms: number; port: number };
  health: { port?: number | undefined; liveness_path: string; readiness_path: string };
  metrics: { path: string };
}

/**
 * The rules across keys, run once every key is valid (the schema's superRefine reports each as a
 * custom issue; the fast path takes a configuration only when there are none).
 * @example crossFieldIssues(config); // [] for every valid configuration
 */
export function crossFieldIssues(c: CrossFieldInput): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  if (c.server.headers_timeout_ms > c.server.request_timeout_ms) {
    issues.push({
      path: ['server', 'headers_timeout_ms'],
      input: c.server.headers_timeout_ms,
      message: `expected at most server.request_timeout_ms (${c.server.request_timeout_ms}): headers are part of the request`,
    });
  }
  if (c.health.port !== undefined && c.health.port !== 0 && c.health.port === c.server.port) {
    issues.push({
      path: ['health', 'port'],
      input: c.health.port,
      message: `expected a port other than server.port (${c.server.port}), or leave it unset: the health paths are on server.port already`,
    });
  }
  const paths = [
    ['health', 'liveness_path', c.health.liveness_path],
    ['health', 'readiness_path', c.health.readiness_path],
    ['metrics', 'path', c.metrics.path],
  ] as const;
  for (let i = 1; i < paths.length; i++) {
    const [section, key, value] = paths[i] as (typeof paths)[number];
    if (paths.slice(0, i).some((p) => p[2].toLowerCase() === value.toLowerCase())) {
      issues.push({ path: [section, key], input: value, message: 'expected a path no other endpoint uses' });
    }
  }
  return issues;
}
