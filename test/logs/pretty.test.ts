import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logs/index.js';
import { prettyDestination, prettyLine } from '../../src/logs/pretty.js';

describe('pretty terminal logs', () => {
  it('lays a JSON line out as time, level, message and fields (UTC), colour only when asked', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 10, 22, 3, 4, 5),
      pid: 1,
      name: 'sidetone',
      msg: 'store slow',
      ms: 120,
      path: '/var/lib/x y',
    });
    expect(prettyLine(line, false)).toBe('03:04:05 WARN  store slow ms=120 path="/var/lib/x y"\n');
    expect(prettyLine(line, true)).toContain('\x1b[33mWARN \x1b[0m');
    expect(prettyLine('not json', false)).toBe('not json\n');
  });

  it('shows what the logger wrote: redaction happened before, and stays', () => {
    const out: string[] = [];
    const log = createLogger({
      destination: prettyDestination({ write: (s: string) => out.push(s) }, false),
    });
    log.info({ to: '+447700900123' }, 'dialling');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}dialling to=\[redacted:phone\]\n$/);
  });
});
