// What the render benchmarks render, filled the same way in every library, and the two floors a
// render is measured against, built from sidetone's own output so they produce the same bytes:
// - format floor: each sample line as prefix + String(value), joined and encoded (the least work
//   that turns numbers into an exposition);
// - join floor: the finished lines joined and encoded (no number formatting at all).

/** 10k counters, 10k mixed (5k counters + 5k 12-bucket histograms), 1M counters. */
export function renderSets() {
  return [
    {
      label: '10k counters',
      series: 1e4,
      fill: (m) => counters(m, 100, 100),
    },
    {
      label: '10k mixed (5k counters, 5k histograms)',
      series: 1e4,
      fill: (m) => {
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
      },
    },
    {
      label: '1M counters',
      series: 1e6,
      fill: (m) => counters(m, 1000, 1000),
    },
  ];
}

function counters(m, routes, codes) {
  const c = m.counter('requests_total', ['route', 'code']);
  for (let r = 0; r < routes; r++) {
    for (let k = 0; k < codes; k++) c.inc({ route: `route_${r}`, code: `code_${k}` }, r * codes + k + 1);
  }
  return m;
}

/** The floors for an exposition (bytes), as functions returning the bytes they build. */
export function renderFloors(bytes) {
  const lines = bytes.toString('utf8').split('\n');
  const prefixes = [];
  const values = [];
  for (const line of lines) {
    const cut = line.startsWith('#') || line === '' ? -1 : line.lastIndexOf(' ');
    prefixes.push(cut < 0 ? line : line.slice(0, cut + 1));
    values.push(cut < 0 ? null : Number(line.slice(cut + 1)));
  }
  const n = lines.length;
  return {
    format: () => {
      const parts = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        parts[i] = v === null ? prefixes[i] : prefixes[i] + String(v);
      }
      return Buffer.from(parts.join('\n'));
    },
    join: () => Buffer.from(lines.join('\n')),
  };
}
