// The web dashboard: one static page. It holds no data; its script reads the analytics API
// (`/metrics/dashboard`, `/metrics/failures`) and `/readyz` with the operator's token, and draws
// the hourly series with uPlot.

const STYLE = `
:root { color-scheme: light dark; --ok: #2e7d32; --bad: #c62828; --warn: #ef6c00; --muted: #777; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 15px; margin: 20px 0 8px; }
#status { padding: 10px 14px; border-radius: 6px; color: #fff; font-weight: 600; }
#status.ready { background: var(--ok); } #status.degraded { background: var(--bad); }
#checks { margin: 6px 0 0; color: var(--muted); font-size: 13px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; }
.tile { border: 1px solid #8884; border-radius: 6px; padding: 8px 10px; }
.tile .v { font-size: 22px; font-weight: 600; } .tile .k { color: var(--muted); font-size: 12px; }
.tile .d { font-size: 12px; } .up { color: var(--ok); } .down { color: var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #8883; }
#login { display: none; margin: 12px 0; } #error { color: var(--bad); }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const fmt = (v, unit = '') => (v === null || v === undefined ? '—' : (Math.round(v * 10) / 10).toLocaleString() + unit);
const esc = (s) => String(s ?? '—').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
let token = sessionStorage.getItem('sidetone-token') || '';
let chart;

async function api(path) {
  const res = await fetch(path, { headers: token ? { authorization: 'Bearer ' + token } : {} });
  if (res.status === 401) { $('login').style.display = 'block'; throw new Error('this server wants a token'); }
  if (!res.ok && res.status !== 503) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}

function tile(key, value, delta) {
  const d = delta && delta.deltaPercent !== null
    ? '<div class="d ' + (delta.delta >= 0 ? 'up' : 'down') + '">' + (delta.delta >= 0 ? '+' : '') + fmt(delta.deltaPercent, '%') + ' vs previous</div>'
    : '';
  return '<div class="tile" data-kpi="' + key + '"><div class="k">' + key + '</div><div class="v">' + value + '</div>' + d + '</div>';
}

function draw(series) {
  const x = series.map((p) => p.start / 1000);
  const data = [x, series.map((p) => p.total), series.map((p) => p.answered),
    series.map((p) => p.total - p.answered - (p.byStatus.active || 0)), series.map((p) => p.successRate)];
  const opts = {
    width: Math.min(1100, window.innerWidth - 60), height: 260,
    series: [{}, { label: 'calls', stroke: '#1565c0' }, { label: 'answered', stroke: '#2e7d32' },
      { label: 'failed', stroke: '#c62828' }, { label: 'success %', stroke: '#ef6c00', scale: '%' }],
    axes: [{}, {}, { scale: '%', side: 1, grid: { show: false } }],
    scales: { '%': { range: [0, 100] } },
  };
  if (chart) chart.setData(data); else chart = new uPlot(opts, data, $('chart'));
}

async function refresh() {
  try {
    const ready = await api(READYZ);
    $('status').className = ready.status === 'ready' ? 'ready' : 'degraded';
    $('status').textContent = ready.status === 'ready' ? 'Ready' : 'Degraded';
    $('checks').innerHTML = Object.entries(ready.checks).map(([n, c]) => esc(n) + ': ' + esc(c.status) + ' (' + esc(c.detail) + ')').join(' · ');
    const d = await api('./metrics/dashboard?hours=24');
    const k = d.kpis, t = d.totals;
    $('tiles').innerHTML = [
      tile('calls', fmt(t.calls.value), t.calls), tile('answered', fmt(t.answered.value), t.answered),
      tile('failed', fmt(t.failed.value), t.failed), tile('active', fmt(t.active.value)),
      tile('ASR', fmt(k.asr, '%')), tile('NER', fmt(k.ner, '%')), tile('SER', fmt(k.ser, '%')),
      tile('SEER', fmt(k.seer, '%')), tile('ISA', fmt(k.isa, '%')), tile('ACD', fmt(k.acdSeconds, ' s')),
      tile('PDD', fmt(k.pddMs, ' ms')), tile('MOS', fmt(d.media.mosAvg)),
    ].join('');
    $('trunks').innerHTML = Object.entries(d.byTrunk).map(([n, c]) => '<tr><td>' + esc(n) + '</td><td>' + c + '</td></tr>').join('');
    draw(d.series);
    const f = await api('./metrics/failures?limit=15');
    $('failures').innerHTML = f.failures.map((c) => '<tr><td>' + new Date(c.at).toISOString().slice(11, 19) + '</td><td>' +
      esc(c.direction) + '</td><td>' + esc(c.trunk) + '</td><td>' + esc(c.from) + '</td><td>' + esc(c.to) + '</td><td>' +
      esc(c.status) + '</td><td>' + esc(c.sipCode) + '</td><td>' + esc(c.reason) + '</td></tr>').join('');
    $('error').textContent = '';
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) { $('error').textContent = e.message; }
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault(); token = $('token').value.trim(); sessionStorage.setItem('sidetone-token', token);
  $('login').style.display = 'none'; refresh();
});
refresh();
setInterval(refresh, 15000);
`;

/** The page, with asset URLs relative to where it is mounted. */
export function dashboardHtml(title: string, readyz: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="./dashboard/uplot.css"><style>${STYLE}</style></head>
<body>
<h1>${title} <small id="updated" style="color:var(--muted);font-size:12px;font-weight:400"></small></h1>
<form id="login"><label>Token <input id="token" type="password" autocomplete="off"></label> <button>Show</button></form>
<div id="error"></div>
<div id="status">…</div><div id="checks"></div>
<h2>Last 24 hours</h2><div class="tiles" id="tiles"></div>
<h2>Calls per hour</h2><div id="chart"></div>
<h2>Calls by trunk</h2><table><tbody id="trunks"></tbody></table>
<h2>Recent failures</h2>
<table><thead><tr><th>time (UTC)</th><th>direction</th><th>trunk</th><th>from</th><th>to</th><th>status</th><th>SIP</th><th>reason</th></tr></thead>
<tbody id="failures"></tbody></table>
<script src="./dashboard/uplot.js"></script><script>const READYZ = ${JSON.stringify(`.${readyz}`)};${SCRIPT}</script>
</body></html>`;
}
