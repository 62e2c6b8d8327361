/**
 * The operator's price file (`voiceai.prices`): what the agent's providers and the carrier charge,
 * so that each call's cost is on its record (src/domain/cost.ts prices it). TOML or JSON by
 * extension, one currency:
 *
 * ```toml
 * currency = "USD"
 *
 * [[models]]
 * provider = "openai"
 * model = "gpt-4.1-mini"
 * input_tokens_per_million = 0.40
 * cached_input_tokens_per_million = 0.10
 * output_tokens_per_million = 1.60
 *
 * [[models]]
 * provider = "deepgram"
 * model = "nova-3"
 * audio_per_minute = 0.0043
 *
 * [[trunks]]
 * trunk = "twilio"
 * per_minute = 0.014
 * increment_seconds = 60
 * ```
 *
 * Every bad value is refused at start with its place in the file, the value and the fix.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  type ModelPrice,
  PRICE_KEYS,
  type PriceTable,
  type TrunkPrice,
  USAGE_UNITS,
  type UsageUnit,
} from '../domain/cost.js';
import { ConfigError } from '../errors.js';
import { toml } from './files.js';

/** Models and trunks a file may price: a bound on what is held and looked up per usage report. */
export const PRICE_ENTRIES_MAX = 1000;
/** The largest price of one unit (a million tokens, a minute): above it the value is a typo. */
const PRICE_MAX = 1e6;
/** Provider and model names: what a `voiceai.usage` event may carry (64 characters, as configName). */
const NAME = /^[A-Za-z0-9_.:/@+-]{1,64}$/;

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v));

/**
 * Read and check a price file.
 * @example readPriceFile('/etc/sidetone/prices.toml').currency // 'USD'
 * @throws ConfigError (ST_CONFIG_FILE, ST_CONFIG_PARSE, ST_CONFIG_INVALID) naming the value and its fix
 */
export function readPriceFile(path: string): PriceTable {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.toml')
    throw new ConfigError(
      'ST_CONFIG_FILE',
      `price file "${path}" has extension "${ext || '(none)'}": expected a .toml or .json file`,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new ConfigError(
      'ST_CONFIG_FILE',
      `cannot read price file "${path}" (${code}): check voiceai.prices and the file's permissions`,
    );
  }
  let data: unknown;
  try {
    data = ext === '.json' ? JSON.parse(text) : toml().parse(text);
  } catch (err) {
    const line = (err as { line?: number }).line;
    throw new ConfigError(
      'ST_CONFIG_PARSE',
      `price file "${path}" is not valid ${ext === '.json' ? 'JSON' : 'TOML'}${line === undefined ? '' : ` at line ${line}`}: fix the syntax`,
    );
  }
  return parsePrices(data, `price file "${path}"`);
}

/**
 * Check a parsed price file (an object as TOML or JSON gives it) and make it a price table.
 * @example parsePrices({ currency: 'EUR', models: [], trunks: [] }, 'prices').currency // 'EUR'
 */
export function parsePrices(data: unknown, where = 'price file'): PriceTable {
  const bad = (at: string, value: unknown, fix: string): never => {
    throw new ConfigError('ST_CONFIG_INVALID', `${where}: ${at} is ${show(value)}: ${fix}`);
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    bad('the file', data, 'expected a table with currency, [[models]] and [[trunks]]');
  const o = data as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'currency' && k !== 'models' && k !== 'trunks')
      bad(k, o[k], 'unknown key: expected currency, models or trunks');
  if (typeof o.currency !== 'string' || !/^[A-Z]{3}$/.test(o.currency))
    bad('currency', o.currency, 'expected an ISO 4217 code of three capitals, e.g. "USD"');
  const list = (key: 'models' | 'trunks'): Record<string, unknown>[] => {
    const v = o[key] ?? [];
    if (!Array.isArray(v)) bad(key, v, `expected a list of tables ([[${key}]] in TOML)`);
    const items = v as unknown[];
    if (items.length > PRICE_ENTRIES_MAX)
      bad(`${key} (${items.length} entries)`, `[…]`, `expected at most ${PRICE_ENTRIES_MAX} entries`);
    items.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        bad(`${key}[${i}]`, item, 'expected a table');
    });
    return items as Record<string, unknown>[];
  };
  const price = (at: string, v: unknown, example: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > PRICE_MAX)
      bad(at, v, `expected a price from 0 to ${PRICE_MAX} in ${o.currency as string}, e.g. ${example}`);
    return v as number;
  };
  const name = (at: string, v: unknown, example: string): string => {
    if (typeof v !== 'string' || !NAME.test(v))
      bad(at, v, `expected a name of 1 to 64 letters, digits or . _ : / @ + -, e.g. "${example}"`);
    return v as string;
  };
  const byKey = new Map(USAGE_UNITS.map((u) => [PRICE_KEYS[u].key, u] as const));
  const seen = new Set<string>();
  const models: ModelPrice[] = list('models').map((m, i) => {
    const at = `models[${i}]`;
    const provider = name(`${at}.provider`, m.provider, 'openai').toLowerCase();
    const model = name(`${at}.model`, m.model, 'gpt-4.1-mini');
    if (seen.has(`${provider}\n${model}`))
      bad(`${at}.model`, model, `${provider} ${model} is priced twice: keep one entry`);
    seen.add(`${provider}\n${model}`);
    const prices: Partial<Record<UsageUnit, number>> = {};
    for (const [k, v] of Object.entries(m)) {
      if (k === 'provider' || k === 'model') continue;
      const unit = byKey.get(k);
      if (unit === undefined)
        bad(
          `${at}.${k}`,
          v,
          `unknown price: expected one of ${[...byKey.keys()].join(', ')} (tokens and characters per million, audio per minute)`,
        );
      prices[unit as UsageUnit] = price(`${at}.${k}`, v, unit === 'audio_seconds' ? '0.0043' : '0.4');
    }
    if (Object.keys(prices).length === 0)
      bad(at, m, 'no price: give at least one, e.g. output_tokens_per_million = 1.6');
    return { provider, model, prices };
  });
  const trunkNames = new Set<string>();
  const trunks: TrunkPrice[] = list('trunks').map((t, i) => {
    const at = `trunks[${i}]`;
    for (const k of Object.keys(t))
      if (k !== 'trunk' && k !== 'per_minute' && k !== 'increment_seconds')
        bad(`${at}.${k}`, t[k], 'unknown key: expected trunk, per_minute or increment_seconds');
    const trunk = name(`${at}.trunk`, t.trunk, 'twilio');
    if (trunkNames.has(trunk)) bad(`${at}.trunk`, trunk, 'this trunk is priced twice: keep one entry');
    trunkNames.add(trunk);
    const inc = t.increment_seconds ?? 1;
    if (typeof inc !== 'number' || !Number.isInteger(inc) || inc < 1 || inc > 3600)
      bad(
        `${at}.increment_seconds`,
        inc,
        'expected whole seconds from 1 to 3600, e.g. 60 for per-minute billing',
      );
    return {
      trunk,
      perMinute: price(`${at}.per_minute`, t.per_minute, '0.014'),
      incrementSeconds: inc as number,
    };
  });
  return { currency: o.currency as string, models, trunks };
}

const loaded = new WeakMap<object, PriceTable>();

/**
 * The price table `voiceai.prices` names, read once per configuration; undefined when unset.
 * @example configPrices(loadConfig({ file: 'sidetone.toml' }))?.currency // 'USD'
 * @throws ConfigError for a file that cannot be read or holds a bad value (at start, by name)
 */
export function configPrices(config: { voiceai: { prices?: string | undefined } }): PriceTable | undefined {
  const path = config.voiceai.prices;
  if (path === undefined) return undefined;
  let table = loaded.get(config);
  if (table === undefined) {
    table = readPriceFile(path);
    loaded.set(config, table);
  }
  return table;
}

/** `{ prices }` when `voiceai.prices` is set, else `{}`: for an options object. */
export function withPrices(config: { voiceai: { prices?: string | undefined } }): { prices?: PriceTable } {
  const prices = configPrices(config);
  return prices === undefined ? {} : { prices };
}
