/**
 * One segment vocabulary on every surface (issue 52): the metrics' `segment` label, the stored
 * turn rows, the API's `call.turns` and the CLI take TURN_SEGMENTS from src/domain; the call page
 * (assets/console/turns.js, plain browser JS that imports nothing) lists them with a colour each
 * (console.css). Before, a segment added to the domain would have been drawn by no bar.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TURN_SEGMENTS } from '../../src/domain/vocab.js';
import { TURN_DETAILS, TURN_ROW_WIDTH } from '../../src/store/records/turn-list.js';
import { CATALOGUE } from '../../src/telephony/catalogue.js';

const asset = (p: string) => readFileSync(new URL(`../../assets/console/${p}`, import.meta.url), 'utf8');

describe('turn segments: one vocabulary', () => {
  it('the call page lists every segment, in pipeline order, each with its colour in light and dark', () => {
    const js = asset('turns.js');
    const list = js.slice(
      js.indexOf('const SEGMENTS = ['),
      js.indexOf('];', js.indexOf('const SEGMENTS = [')),
    );
    expect([...list.matchAll(/\['([a-z0-9_]+)', '/g)].map((m) => m[1])).toEqual([...TURN_SEGMENTS]);
    const css = asset('console.css');
    for (const s of TURN_SEGMENTS) {
      expect(css.match(new RegExp(`--seg-${s}:`, 'g'))?.length, s).toBe(2);
      expect(css).toContain(`.seg-${s} {`);
    }
  });

  it("the metric's segment label and the stored row are the same list", () => {
    const spec = CATALOGUE.find((m) => m.name === 'voiceai_turn_segment_seconds');
    expect(spec?.labels?.segment).toEqual(TURN_SEGMENTS);
    expect(TURN_ROW_WIDTH).toBe(3 + TURN_SEGMENTS.length + TURN_DETAILS.length + 1);
  });
});
