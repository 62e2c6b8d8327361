// The operator's price file (voiceai.prices): read as TOML or JSON, every bad value refused at
// start with its place in the file, the value and the fix.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPrices, parsePrices, readPriceFile } from '../../src/config/prices.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../store/helpers.js';

const TOML = `currency = "USD"

[[models]]
provider = "OpenAI"
model = "gpt-4.1-mini"
input_tokens_per_million = 0.40
cached_input_tokens_per_million = 0.10
output_tokens_per_million = 1.60

[[models]]
provider = "deepgram"
model = "nova-3"
audio_per_minute = 0.0043

[[trunks]]
trunk = "twilio"
per_minute = 0.014
increment_seconds = 60
`;

const refused = (data: unknown) => {
  try {
    parsePrices(data, 'price file "p.toml"');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('accepted');
};

describe('price file', () => {
  it('reads TOML and JSON alike: currency, models by provider (lower-cased) and trunks', () => {
    const { dir, remove } = tempDir();
    try {
      writeFileSync(join(dir, 'prices.toml'), TOML);
      const table = readPriceFile(join(dir, 'prices.toml'));
      expect(table).toEqual({
        currency: 'USD',
        models: [
          {
            provider: 'openai',
            model: 'gpt-4.1-mini',
            prices: { input_tokens: 0.4, cached_input_tokens: 0.1, output_tokens: 1.6 },
          },
          { provider: 'deepgram', model: 'nova-3', prices: { audio_seconds: 0.0043 } },
        ],
        trunks: [{ trunk: 'twilio', perMinute: 0.014, incrementSeconds: 60 }],
      });
      const json = {
        currency: 'USD',
        models: [{ provider: 'deepgram', model: 'nova-3', audio_per_minute: 0.0043 }],
        trunks: [{ trunk: 'twilio', per_minute: 0.014 }],
      };
      writeFileSync(join(dir, 'prices.json'), JSON.stringify(json));
      expect(readPriceFile(join(dir, 'prices.json')).trunks).toEqual([
        { trunk: 'twilio', perMinute: 0.014, incrementSeconds: 1 },
      ]);
      // Through the configuration, read once.
      const config = { voiceai: { prices: join(dir, 'prices.toml') } };
      expect(configPrices(config)).toBe(configPrices(config));
      expect(configPrices({ voiceai: {} })).toBeUndefined();
    } finally {
      remove();
    }
  });

  it('names the bad value, where it is and the fix', () => {
    expect(refused({ currency: 'usd' })).toBe(
      'price file "p.toml": currency is "usd": expected an ISO 4217 code of three capitals, e.g. "USD"',
    );
    expect(
      refused({
        currency: 'USD',
        models: [{ provider: 'openai', model: 'm', output_tokens_per_million: -1 }],
      }),
    ).toBe(
      'price file "p.toml": models[0].output_tokens_per_million is -1: expected a price from 0 to 1000000 in USD, e.g. 0.4',
    );
    expect(
      refused({ currency: 'USD', models: [{ provider: 'openai', model: 'm', output_tokens: 1.6 }] }),
    ).toMatch(
      /^price file "p.toml": models\[0\]\.output_tokens is 1.6: unknown price: expected one of input_tokens_per_million, .*output_tokens_per_million/,
    );
    expect(refused({ currency: 'USD', models: [{ provider: 'openai', model: 'm' }] })).toContain(
      'no price: give at least one, e.g. output_tokens_per_million = 1.6',
    );
    expect(
      refused({
        currency: 'USD',
        models: [
          { provider: 'openai', model: 'm', output_tokens_per_million: 1 },
          { provider: 'OpenAI', model: 'm', output_tokens_per_million: 2 },
        ],
      }),
    ).toBe('price file "p.toml": models[1].model is "m": openai m is priced twice: keep one entry');
    expect(
      refused({ currency: 'USD', trunks: [{ trunk: 't', per_minute: 0.01, increment_seconds: 0 }] }),
    ).toBe(
      'price file "p.toml": trunks[0].increment_seconds is 0: expected whole seconds from 1 to 3600, e.g. 60 for per-minute billing',
    );
    expect(refused({ currency: 'USD', trunks: [{ trunk: 't' }] })).toContain(
      'trunks[0].per_minute is undefined: expected a price from 0 to 1000000 in USD, e.g. 0.014',
    );
    expect(refused({ currency: 'USD', model: [] })).toBe(
      'price file "p.toml": model is []: unknown key: expected currency, models or trunks',
    );
  });

  it('a file that is not TOML, or not there, is refused with the fix', () => {
    const { dir, remove } = tempDir();
    try {
      writeFileSync(join(dir, 'bad.toml'), 'currency = \n');
      expect(() => readPriceFile(join(dir, 'bad.toml'))).toThrow(
        /is not valid TOML at line 1: fix the syntax/,
      );
      expect(() => readPriceFile(join(dir, 'none.toml'))).toThrow(
        /cannot read price file ".*none.toml" \(ENOENT\): check voiceai.prices/,
      );
      expect(() => readPriceFile(join(dir, 'p.yaml'))).toThrow(/expected a \.toml or \.json file/);
    } finally {
      remove();
    }
  });
});
