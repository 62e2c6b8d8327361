/** In-process checks of the pieces a spawned binary cannot show: a TTY, chunk boundaries, widths. */
import { describe, expect, it } from 'vitest';
import { parseFlags, renderHelp, wantsHelp } from '../../src/cli/args.js';
import dashboardCmd from '../../src/cli/commands/dashboard.js';
import { RowCounter } from '../../src/cli/commands/export-thread.js';
import { UsageError } from '../../src/cli/errors.js';
import {
  bar,
  colourEnabled,
  fmtChange,
  fmtPercent,
  Progress,
  styleFor,
  table,
  visibleLength,
} from '../../src/cli/output.js';

const plain = styleFor({ isTTY: false }, {});
const tty = { isTTY: true, columns: 80 };

describe('colour decision', () => {
  it('TTY on, NO_COLOR off, FORCE_COLOR on for pipes, TERM=dumb off', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('table', () => {
  it('aligns on visible width, right-aligns numbers, leaves no trailing blanks', () => {
    const coloured = styleFor(tty, {});
    const out = table(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
      [
        [coloured.red('busy'), '3', ''],
        ['completed', '1,200', 'ok'],
      ],
      plain,
    );
    const lines = out.split('\n');
    expect(lines[0]).toBe('NAME           N  NOTE');
    expect(lines[1]?.replace(/\x1b\[[0-9;]*m/g, '')).toBe('busy           3');
    expect(lines[2]).toBe('completed  1,200  ok');
    expect(visibleLength(coloured.red('busy'))).toBe(4);
  });
});

describe('formats', () => {
  it('null is a dash, never 0; changes carry a sign and the relative change', () => {
    expect(fmtPercent(null)).toBe('—');
    expect(fmtPercent(0)).toBe('0%');
    expect(fmtChange(0, 0)).toBe('0');
    expect(fmtChange(5, null)).toBe('+5 (new)');
    expect(fmtChange(-2, -20)).toBe('−2 (−20%)');
    expect(fmtChange(1500, 1500)).toBe('+1,500 (+1,500%)');
  });

  it('bars scale to the maximum and show small values', () => {
    expect(bar(10, 10, 20)).toBe('█'.repeat(20));
    expect(bar(5, 10, 20)).toBe('█'.repeat(10));
    expect(bar(1, 1000, 20)).toBe('▏');
    expect(bar(0, 10)).toBe('');
    expect(bar(3, 0)).toBe('');
  });
});

describe('progress', () => {
  it('draws a bar with percentage in place, and ends with a newline', () => {
    const writes: string[] = [];
    const p = new Progress({ ...tty, write: (s: string) => writes.push(s) }, 'exporting', 200);
    p.update(50);
    p.update(60); // within 100 ms: skipped
    p.finish(200);
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r\x1b\[2Kexporting \[█+░+\] 25% {2}50\/200 rows/);
    expect(writes[1]).toMatch(/100% {2}200\/200 rows/);
    expect(writes[2]).toBe('\n');
  });

  it('without a total, a known position draws the bar (an export through a time range)', () => {
    const writes: string[] = [];
    const p = new Progress({ ...tty, write: (s: string) => writes.push(s) }, 'exporting', null);
    p.update(700, false, 0.4);
    p.finish(2000, 1);
    expect(writes[0]).toMatch(/^\r\x1b\[2Kexporting \[█+░+\] 40% {2}700 rows/);
    expect(writes[1]).toMatch(/100% {2}2,000 rows/);
  });

  it('without a total shows a running count', () => {
    const writes: string[] = [];
    new Progress({ ...tty, write: (s: string) => writes.push(s) }, 'exporting', null).finish(1234);
    expect(writes[0]).toMatch(/exporting 1,234 rows/);
  });
});

describe('RowCounter', () => {
  it('CSV: counts rows whatever the chunk cuts, quoted newlines and "" escapes included', () => {
    const csv = 'a,b\r\n1,"x\r\ny"\r\n2,"say ""hi"""\r\n3,z\r\n';
    for (let cut = 0; cut <= csv.length; cut++) {
      const c = new RowCounter('csv');
      c.add(csv.slice(0, cut));
      c.add(csv.slice(cut));
      expect(c.rows(true)).toBe(3);
    }
  });

  it('JSON: rows are lines between "[" and "]"', () => {
    const c = new RowCounter('json');
    c.add('[\n{"a":1},\n{"a":"x\\ny"}');
    expect(c.rows()).toBe(2);
    c.add('\n]\n');
    expect(c.rows(true)).toBe(2);
    const empty = new RowCounter('json');
    empty.add('[\n]\n');
    expect(empty.rows(true)).toBe(0);
  });
});

describe('args', () => {
  const defs = dashboardCmd.flags;

  it('parses typed values and leaves absent ones undefined', () => {
    const { flags } = parseFlags(['--days', '7', '--json', '--db', 'x.db'], defs);
    expect(flags).toMatchObject({ days: 7, json: true, db: 'x.db', hours: undefined });
  });

  it('throws UsageError for every kind of mistake', () => {
    for (const argv of [['--days', '0'], ['--days=1e3'], ['--nope'], ['extra'], ['--db']]) {
      expect(() => parseFlags(argv, defs), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('help is found before a `--` only, and lists ranges and defaults', () => {
    expect(wantsHelp(['--days', 'x', '-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(renderHelp(dashboardCmd, 'totals')).toMatch(
      /--days N\s+period: the last N days, 1 unless --hours is given \(1\.\.366\)/,
    );
  });
});
