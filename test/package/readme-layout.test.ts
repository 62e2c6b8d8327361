import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLayoutTable } from './layer-map.js';

// The README's layout table is the layer declaration the import-direction test enforces
// (layer-map.ts), rendered; it once disagreed with it and omitted domain/ (issue 49).
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const src = new URL('../../src/', import.meta.url);
const folders = new Set(readdirSync(src).filter((n) => statSync(new URL(n, src)).isDirectory()));

describe('README layout', () => {
  it('is the table rendered from the declared layers, between its markers', () => {
    const m = /<!-- layout: test\/package\/layer-map\.ts -->\n([\s\S]*?)\n<!-- \/layout -->/.exec(readme);
    expect(m, 'the README lost its layout markers').not.toBeNull();
    expect(m?.[1], 'paste renderLayoutTable() into the README').toBe(renderLayoutTable(folders));
  });

  it('names every unit of src/, domain/ among them', () => {
    const table = renderLayoutTable(folders);
    for (const name of readdirSync(src)) {
      const unit = name.replace(/\.ts$/, '');
      expect(table).toContain(folders.has(name) ? `\`${unit}/\`` : `\`${unit}.ts\``);
    }
    expect(table).toContain('`domain/`');
  });
});
