// What the render benchmarks render, filled the same way in every library, and the two floors a
// render is measured against, each plain code holding the same series and writing sidetone's bytes
// exactly (the bench checks their digests). The floor rebuilding every line holds the series as
// plain data (label values and numbers, no text) and on every render builds each series' label
// text from its values (escaping them), formats each number, writes each line and encodes the
// whole as UTF-8. The floor keeping label text (`keep`) makes each series' text once, when the
// series is made, as sidetone does since issue 51, and on every render formats the numbers and
// writes: the least a render does at the memory of that text per series. Only the family headers
// and the bucket bounds, fixed at definition, are text made once in both.

import { BUCKETS } from './opponents.mjs';

/** 10k counters, 10k mixed (5k counters + 5k 12-bucket histograms), 1M counters. */
export function renderSets() {
  return [
    { label: '10k counters', series: 1e4, fill: (m) => counters(m, 100, 100) },
    { label: '10k mixed (5k counters, 5k histograms)', series: 1e4, fill: mixed },
    { label: '1M counters', series: 1e6, fill: (m) => counters(m, 1000, 1000) },
  ];
}

function counters(m, routes, codes) {
  const c = m.counter('requests_total', ['route', 'code']);
  for (let r = 0; r < routes; r++) {
    for (let k = 0; k < codes; k++) c.inc({ route: `route_${r}`, code: `code_${k}` }, r * codes + k + 1);
  }
  return m;
}

function mixed(m) {
  const c = m.counter('requests_total', ['route', 'code']);
  const h = m.histogram('req_seconds', ['route', 'code']);
  for (let r = 0; r < 100; r++) {
    for (let k = 0; k < 50; k++) {
      const l = { route: `route_${r}`, code: `code_${k}` };
      c.inc(l, r + k);
      h.observe(l, (r * k) / 100);
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// The floor: an "implementation" with the opponents' interface (counter, histogram, render) whose
// series are plain records at the leaves of nested Maps, one level per label, in the order they
// were made (sidetone's order here). A render walks them and builds each level's label text once
// for the series under it: less work than building every series' text whole (which measured
// sidetone at 0.65-0.94x of the floor, 10k series), so this is the least a render from values does.

const escapeValue = (v) =>
  /[\\"\n]/.test(v) ? v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : v;
const number = (v) =>
  v === Number.POSITIVE_INFINITY ? '+Inf' : v === Number.NEGATIVE_INFINITY ? '-Inf' : String(v);

/**
 * The least a render does, on data held as values. `preamble`: the header lines of families with
 * no series that a registry writes first (sidetone's self-metrics), per format, written as is.
 * `keep`: the floor that keeps each series' label text, built once when the series is made, and
 * writes it as is on every render: the least a render does at the cost of that text's memory per
 * series (issue 51; the bench's heap rows give the cost). It keeps the text a line starts with, as
 * one flat string: a counter's sample prefix `name_total{a="x"} `, a histogram's bucket prefix
 * `name_bucket{a="x",` (`_sum` and `_count` take the label text back out of it); a line is that
 * prefix and the rest joined first, one rope node (a floor keeping only `a="x"` and adding the name
 * and braces on each render measured sidetone at 0.64-0.82x of it, 10k counters, once sidetone
 * kept its prefixes).
 */
export function floorImpl(preamble = { text: '', om: '' }, { keep = false } = {}) {
  const families = [];
  const family = (name, type, labelNames) => {
    const les = (om) => [...BUCKETS.map((b) => (om && Number.isInteger(b) ? `${b}.0` : String(b))), '+Inf'];
    const f = { name, type, labelNames, root: new Map(), les: [les(false), les(true)], keep };
    families.push(f);
    const last = labelNames.length - 1;
    return (l) => {
      let node = f.root;
      for (let i = 0; i < last; i++) {
        const v = String(l[labelNames[i]]);
        let next = node.get(v);
        if (next === undefined) node.set(v, (next = new Map()));
        node = next;
      }
      const v = String(l[labelNames[last]]);
      let series = node.get(v);
      if (series === undefined) {
        series = type === 'counter' ? { value: 0 } : { counts: new Float64Array(BUCKETS.length + 1), sum: 0 };
        if (keep) {
          const lt = labelNames.map((n) => `${n}="${escapeValue(String(l[n]))}"`).join(',');
          series.text = (type === 'counter' ? [name, '_total{', lt, '} '] : [name, '_bucket{', lt, ',']).join(
            '',
          );
        }
        node.set(v, series);
      }
      return series;
    };
  };
  return {
    counter: (name, labelNames) => {
      const find = family(name.replace(/_total$/, ''), 'counter', labelNames);
      return { inc: (l, v = 1) => (find(l).value += v) };
    },
    histogram: (name, labelNames) => {
      const find = family(name, 'histogram', labelNames);
      return {
        observe: (l, v) => {
          const s = find(l);
          let i = 0;
          while (i < BUCKETS.length && v > BUCKETS[i]) i++;
          s.counts[i]++;
          s.sum += v;
        },
      };
    },
    render: (om) => renderFloor(families, om, om ? preamble.om : preamble.text),
    keep: families,
  };
}

/** A line writer for the floor that keeps each series' prefix (`floorImpl`'s `keep`). */
function keptLine(f, les, out) {
  if (f.type === 'counter') {
    return (s) => {
      const tail = `${number(s.value)}\n`;
      out.add(`${s.text}${tail}`);
    };
  }
  const le = les.map((b) => `le="${b}"} `);
  const labelsAt = f.name.length + '_bucket{'.length;
  return (s) => {
    let cumulative = 0;
    let text = '0';
    for (let i = 0; i < le.length; i++) {
      if (s.counts[i] !== 0) {
        cumulative += s.counts[i];
        text = String(cumulative);
      }
      const tail = `${le[i]}${`${text}\n`}`;
      out.add(`${s.text}${tail}`);
    }
    const lt = s.text.slice(labelsAt, -1);
    out.add(`${f.name}_sum{${lt}} ${number(s.sum)}\n${f.name}_count{${lt}} ${text}\n`);
  };
}

function renderFloor(families, om, preamble) {
  // Sized from the last render, as sidetone's: one buffer, not a doubling series of copies.
  const out = new Chunks(Math.ceil((families.lastBytes ?? 0) * 1.25));
  out.add(preamble);
  for (const f of families) {
    const sample = f.type === 'counter' ? `${f.name}_total` : f.name;
    const head = om ? f.name : sample;
    out.add(`# HELP ${head} x\n# TYPE ${head} ${f.type}\n`);
    const names = f.labelNames;
    const les = f.les[om ? 1 : 0];
    const line = f.keep
      ? keptLine(f, les, out)
      : f.type === 'counter'
        ? (s, lt) => out.add(`${sample}{${lt}} ${number(s.value)}\n`)
        : (s, lt) => {
            // A count is formatted when it changes: most upper buckets repeat the one below.
            let cumulative = 0;
            let text = '0';
            for (let i = 0; i < les.length; i++) {
              if (s.counts[i] !== 0) {
                cumulative += s.counts[i];
                text = String(cumulative);
              }
              out.add(`${f.name}_bucket{${lt},le="${les[i]}"} ${text}\n`);
            }
            out.add(`${f.name}_sum{${lt}} ${number(s.sum)}\n${f.name}_count{${lt}} ${text}\n`);
          };
    const walk = (node, depth, prefix) => {
      if (f.keep) {
        for (const v of node.values()) {
          if (depth === names.length - 1) line(v);
          else walk(v, depth + 1, '');
        }
        return;
      }
      const before = depth === 0 ? `${names[0]}="` : `${prefix},${names[depth]}="`;
      const leaf = depth === names.length - 1;
      node.forEach((v, k) => {
        const text = `${before}${escapeValue(k)}"`;
        if (leaf) line(v, text);
        else walk(v, depth + 1, text);
      });
    };
    walk(f.root, 0, '');
  }
  if (om) out.add('# EOF\n');
  const bytes = out.bytes();
  families.lastBytes = bytes.length;
  return bytes;
}

/**
 * Lines into one UTF-8 buffer, 64 at a time: of three plain ways to build the bytes measured here
 * (10k / 1M counters, CPU ms a render), the cheapest. Pushing every line to an array, joining and
 * encoding took 4.19 / 1642; one string grown by `+=` and encoded once 2.83 / 1413; these chunks
 * 2.13 / 716.
 */
class Chunks {
  len = 0;
  cur = '';
  n = 0;
  constructor(capacity) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 256 * 1024));
  }
  add(text) {
    this.cur += text;
    if (++this.n === 64) this.flush();
  }
  flush() {
    const s = this.cur;
    if (this.len + s.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + s.length * 3));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(s, this.len);
    this.cur = '';
    this.n = 0;
  }
  bytes() {
    this.flush();
    return this.buf.subarray(0, this.len);
  }
}
