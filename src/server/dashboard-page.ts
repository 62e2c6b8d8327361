// The web console: one static page. It holds no data; its script reads `/readyz`, the analytics
// API (`/metrics/dashboard`, `/trunks`, `/sms`, `/failures`) and a few families of `/metrics`
// with the operator's token, and answers the 3 a.m. questions in order, top to bottom: is the
// server alive and this data fresh; is the modem registered and the signal holding; are SMS
// delivery reports arriving; how is each trunk doing; why did calls fail; how does the audio sound.

const STYLE = `
:root { color-scheme: light dark; --ok: #2e7d32; --bad: #c62828; --warn: #ef6c00; --muted: #888; --line: #8884; }
* { box-sizing: border-box; }
body { font: 13px/1.35 system-ui, sans-serif; margin: 0; padding: 10px 16px; }
header { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; padding: 6px 10px; border-radius: 6px; background: #8881; }
header h1 { font-size: 17px; margin: 0; }
body.stale header { background: var(--bad); color: #fff; }
#banner { font-weight: 700; } #freshness, #tz { color: var(--muted); } body.stale #freshness { color: #fff; }
#range button { font: inherit; padding: 2px 8px; border: 1px solid var(--line); background: none; color: inherit; border-radius: 4px; cursor: pointer; }
#range button.on { background: #1565c0; color: #fff; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 10px; margin-top: 10px; }
section { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
h2 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.big { font-size: 20px; font-weight: 600; } .ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.kv { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; }
.kv .k { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #8882; white-space: nowrap; } td.n, th.n { text-align: right; }
#status { padding: 3px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
#status.ready { background: var(--ok); } #status.degraded { background: var(--bad); }
#checks { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; }
#checks li[data-critical="false"] { opacity: .75; }
.bars div { display: grid; grid-template-columns: 60px 1fr 50px; gap: 6px; align-items: center; }
.bars i { display: block; height: 9px; background: #1565c0; border-radius: 2px; }
#login { display: none; margin: 10px 0; } #error { color: var(--bad); }
svg.spark { vertical-align: middle; }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const REFRESH_MS = Math.max(1, Number(q.get('refresh') || 15)) * 1000;
// Thresholds of the colours (documented in docs/http.md): ASR and NER %, PDD ms, MOS.
const T = { asr: [40, 60], ner: [NER_MIN, NER_MIN + 15], pddMs: [3000, 6000], mos: 3.6 };
const fmt = (v, unit = '') => (v === null || v === undefined || Number.isNaN(v) ? '—' : (Math.round(v * 10) / 10).toLocaleString('en') + unit);
const esc = (s) => String(s ?? '—').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const utc = (ms) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
let token = sessionStorage.getItem('sidetone-token') || '';
let range = q.get('range') || '24h';
let lastOk = 0, chart, seq = 0;
const signalHistory = [];

async function api(path, text = false) {
  const res = await fetch(path, { headers: token ? { authorization: 'Bearer ' + token } : {} });
  if (res.status === 401) { $('login').style.display = 'block'; throw new Error('this server wants a token'); }
  if (!res.ok && res.status !== 503) throw new Error(path + ': HTTP ' + res.status);
  return text ? res.text() : res.json();
}
const span = () => (range.endsWith('d') ? 'days=' + parseInt(range) : 'hours=' + parseInt(range));

/** Higher is better (ASR, NER) or lower is better (PDD): the class of a value. */
function grade(v, [bad, warn], higherBetter = true) {
  if (v === null || v === undefined) return '';
  return higherBetter ? (v < bad ? 'bad' : v < warn ? 'warn' : 'ok') : (v > warn ? 'bad' : v > bad ? 'warn' : 'ok');
}
function spark(values, max = 100, w = 120, h = 22) {
  const pts = values.map((v, i) => (v === null ? null : [i * (w / Math.max(1, values.length - 1)), h - (v / max) * h]));
  const d = pts.filter(Boolean).map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
  return '<svg class="spark" width="' + w + '" height="' + h + '"><path d="' + d + '" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>';
}
/** The samples of one family in an exposition: [{ labels, value }]. */
function samples(text, name) {
  const out = [];
  for (const line of text.split('\\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\\w:]*)(?:\\{(.*)\\})? (\\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/(\\w+)="((?:[^"\\\\]|\\\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}
const one = (text, name) => samples(text, name)[0]?.value;

function delta(d, higherBetter) {
  // A change only against a previous period that had data; coloured by what "better" means.
  if (!d || d.previous === 0 || d.deltaPercent === null) return '';
  const good = (d.delta >= 0) === higherBetter;
  return ' <small class="' + (d.delta === 0 ? '' : good ? 'ok' : 'bad') + '">' + (d.delta >= 0 ? '+' : '') + fmt(d.deltaPercent, '%') + '</small>';
}

function drawChart(series) {
  const x = series.map((p) => p.start / 1000);
  const data = [x, series.map((p) => p.total), series.map((p) => p.answered)];
  // UTC like every other time on the page, not the browser's zone.
  const opts = { width: Math.min(1200, window.innerWidth - 60), height: 150, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    series: [{}, { label: 'calls', stroke: '#1565c0' }, { label: 'answered', stroke: '#2e7d32' }] };
  if (chart) chart.setData(data); else chart = new uPlot(opts, data, $('chart'));
  const last = series[series.length - 1];
  $('partial').textContent = last ? 'the last bucket (from ' + utc(last.start) + ' UTC) is still filling' : '';
}

async function refresh() {
  // A refresh that a newer one (a range change) overtook must not paint over it.
  const mine = ++seq;
  try {
    const ready = await api(READYZ);
    if (mine !== seq) return;
    $('status').className = ready.status === 'ready' ? 'ready' : 'degraded';
    $('status').textContent = ready.status === 'ready' ? 'Ready' : 'Not ready';
    $('checks').innerHTML = Object.entries(ready.checks).map(([n, c]) =>
      '<li data-check="' + esc(n) + '" data-critical="' + c.critical + '" title="' + esc(c.detail) + '"><span class="' +
      (c.status === 'pass' ? 'ok' : c.critical ? 'bad' : 'warn') + '">●</span> ' + esc(n) + (c.critical ? '' : ' <small>(non-critical)</small>') +
      ' <small>' + esc(c.status) + '</small></li>').join('');
    const [d, tr, sms, f, m] = await Promise.all([
      api('./metrics/dashboard?' + span()), api('./metrics/trunks?' + span()), api('./metrics/sms?' + span()),
      api('./metrics/failures?limit=12&' + span()), api(METRICS, true),
    ]);
    if (mine !== seq) return;
    // Modem: registration, signal now and since this page opened, reconnects, flapping.
    const reg = one(m, P + 'modem_registered'), dbm = one(m, P + 'modem_signal_rssi_dbm');
    if (dbm !== undefined) { signalHistory.push(dbm); if (signalHistory.length > 120) signalHistory.shift(); }
    $('modem').innerHTML = reg === undefined && dbm === undefined ? '<span class="k">no modem reported</span>' :
      '<div class="kv"><span class="k">registration</span><span data-modem="registered" class="' + (reg === 1 ? 'ok' : 'bad') + '">' +
      (reg === undefined ? 'unknown' : reg === 1 ? 'registered' : 'not registered') + '</span>' +
      '<span class="k">signal</span><span data-modem="signal" class="big ' + (dbm === undefined ? '' : dbm < -100 ? 'bad' : dbm < -90 ? 'warn' : 'ok') + '">' + fmt(dbm, ' dBm') + '</span>' +
      '<span class="k">trend (since opened)</span><span id="signal-trend">' + spark(signalHistory.map((v) => v + 120), 70) + '</span>' +
      '<span class="k">reconnects</span><span data-modem="reconnects">' + fmt(one(m, P + 'modem_reconnects_total')) +
      (one(m, P + 'modem_flapping') === 1 ? ' <b class="bad">flapping</b>' : '') + '</span></div>';
    const b = sms.byStatus || {};
    const oldest = one(m, P + 'sms_delivery_pending_oldest_seconds');
    $('sms').innerHTML = '<div class="kv">' + [['sent', sms.outbound], ['delivered', b.delivered], ['failed', b.failed, (b.failed || 0) > 0 ? 'bad' : ''],
      ['pending', b.pending, (b.pending || 0) > 0 ? 'warn' : ''], ['oldest pending', oldest === undefined ? null : oldest, oldest > 600 ? 'bad' : '', ' s'],
      ['delivery rate', sms.deliveryRate, grade(sms.deliveryRate, [80, 95]), '%']]
      .map(([k, v, c, u]) => '<span class="k">' + k + '</span><span data-sms="' + k + '" class="' + (c || '') + '">' + fmt(u ? v : v ?? 0, u || '') + '</span>').join('') + '</div>';
    // Trunks: the dashboard's KPIs narrowed to each trunk.
    $('trunks').innerHTML = tr.trunks.map((t) => '<tr data-trunk="' + esc(t.trunk) + '"><td>' + esc(t.trunk) + '</td><td class="n">' + fmt(t.calls) +
      '</td><td class="n asr ' + grade(t.kpis.asr, T.asr) + '">' + fmt(t.kpis.asr, '%') + '</td><td class="n ner ' + grade(t.kpis.ner, T.ner) + '">' + fmt(t.kpis.ner, '%') +
      '</td><td class="n pdd ' + grade(t.kpis.pddMs, T.pddMs, false) + '">' + fmt(t.kpis.pddMs === null ? null : Math.round(t.kpis.pddMs), ' ms') + '</td><td>' + spark(t.asrTrend.map((p) => p.asr)) + '</td></tr>').join('') ||
      '<tr><td colspan="6">no calls in this period</td></tr>';
    const t = d.totals;
    $('totals').innerHTML = 'calls ' + fmt(t.calls.value) + delta(t.calls, true) + ' · answered ' + fmt(t.answered.value) + delta(t.answered, true) +
      ' · failed ' + fmt(t.failed.value) + delta(t.failed, false) + ' · ASR <span class="' + grade(d.kpis.asr, T.asr) + '">' + fmt(d.kpis.asr, '%') + '</span>';
    drawChart(d.series);
    // Failures: why (reason x trunk), then which.
    $('groups').innerHTML = (f.groups || []).slice(0, 8).map((g) => '<tr data-reason="' + esc(g.reason) + '" data-trunk="' + esc(g.trunk) + '"><td class="bad">' + esc(g.reason) +
      '</td><td>' + esc(g.trunk) + '</td><td class="n">' + fmt(g.calls) + '</td></tr>').join('') || '<tr><td colspan="3">no failed calls</td></tr>';
    $('failures').innerHTML = f.failures.map((c) => '<tr><td>' + utc(c.at) + '</td><td>' + esc(c.trunk) + '</td><td>' + esc(c.direction === 'inbound' ? c.from : c.to) +
      '</td><td class="n">' + esc(c.sipCode) + '</td><td>' + esc(c.reason) + '</td></tr>').join('');
    // Audio: the MOS distribution from the histogram (cumulative buckets), share below threshold.
    const mos = samples(m, P + 'media_mos_bucket');
    const byLe = new Map();
    for (const s of mos) byLe.set(s.labels.le, (byLe.get(s.labels.le) || 0) + s.value);
    const les = [...byLe.keys()].filter((l) => l !== '+Inf').map(Number).sort((a, b) => a - b);
    const total = byLe.get('+Inf') || 0;
    let prev = 0; const rows = [];
    for (const le of les) { const c = byLe.get(String(le)) - prev; prev = byLe.get(String(le)); rows.push([le, c]); }
    const below = les.filter((le) => le <= T.mos).reduce((a, le) => Math.max(a, byLe.get(String(le))), 0);
    $('mos').innerHTML = total === 0 ? '<span class="k">no MOS yet</span>' :
      '<div data-mos-below="' + fmt((below / total) * 100) + '">below ' + T.mos + ': <b class="' + (below / total > 0.1 ? 'bad' : 'ok') + '">' + fmt((below / total) * 100, '%') + '</b> of ' + fmt(total) + ' reports</div><div class="bars">' +
      rows.map(([le, c]) => '<div><span>≤ ' + le + '</span><i style="width:' + ((c / total) * 100).toFixed(1) + '%"></i><span>' + fmt(c) + '</span></div>').join('') + '</div>';
    const ai = samples(m, P + 'voiceai_first_byte_seconds_count').filter((s) => s.value > 0);
    $('voiceai').innerHTML = ai.length === 0 ? '<span class="k">no voice-AI traffic</span>' : '<div class="kv">' + ai.map((s) => {
      const sum = samples(m, P + 'voiceai_first_byte_seconds_sum').find((x) => x.labels.stage === s.labels.stage);
      return '<span class="k">' + esc(s.labels.stage) + ' first byte</span><span>' + fmt(((sum ? sum.value : 0) / s.value) * 1000, ' ms') + ' avg</span>';
    }).join('') + '</div>';
    lastOk = Date.now();
    $('error').textContent = '';
  } catch (e) { $('error').textContent = e.message; }
  tick();
}

/** Freshness: red when no good refresh for two intervals (a dead or unreachable server). */
function tick() {
  const age = lastOk === 0 ? null : Math.round((Date.now() - lastOk) / 1000);
  const stale = lastOk === 0 ? false : Date.now() - lastOk > 2 * REFRESH_MS;
  document.body.classList.toggle('stale', stale);
  $('banner').textContent = stale ? 'Server unreachable or stale' : '';
  $('freshness').textContent = age === null ? 'loading…' : 'last update ' + age + ' s ago';
}

$('range').addEventListener('click', (e) => {
  const r = e.target.dataset && e.target.dataset.range; if (!r) return;
  range = r; for (const b of $('range').children) b.classList.toggle('on', b.dataset.range === r); refresh();
});
for (const b of $('range').children) b.classList.toggle('on', b.dataset.range === range);
$('login').addEventListener('submit', (e) => {
  e.preventDefault(); token = $('token').value.trim(); sessionStorage.setItem('sidetone-token', token);
  $('login').style.display = 'none'; refresh();
});
refresh();
setInterval(refresh, REFRESH_MS);
setInterval(tick, 1000);
`;

/** The page, with asset and API URLs relative to where it is mounted and the metric prefix it reads. */
export function dashboardHtml(
  title: string,
  readyz: string,
  metrics: string,
  prefix: string,
  nerMin: number,
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="./dashboard/uplot.css"><style>${STYLE}</style></head>
<body>
<header><h1>${title}</h1><span id="status">…</span><span id="banner"></span><span id="freshness"></span>
<span id="range"><button data-range="1h">1 h</button> <button data-range="6h">6 h</button> <button data-range="24h">24 h</button> <button data-range="7d">7 d</button></span>
<span id="tz">all times UTC</span></header>
<form id="login"><label>Token <input id="token" type="password" autocomplete="off"></label> <button>Show</button></form>
<div id="error"></div>
<ul id="checks"></ul>
<div class="grid">
<section><h2>Modem</h2><div id="modem"></div></section>
<section><h2>SMS delivery</h2><div id="sms"></div></section>
<section><h2>Trunks</h2><table><thead><tr><th>trunk</th><th class="n">calls</th><th class="n">ASR</th><th class="n">NER</th><th class="n">PDD</th><th>ASR trend</th></tr></thead><tbody id="trunks"></tbody></table>
<div id="totals"></div></section>
<section><h2>Why calls failed</h2><table><thead><tr><th>reason</th><th>trunk</th><th class="n">calls</th></tr></thead><tbody id="groups"></tbody></table></section>
<section><h2>Call quality (MOS)</h2><div id="mos"></div></section>
<section><h2>Voice AI</h2><div id="voiceai"></div></section>
</div>
<section style="margin-top:10px"><h2>Calls per bucket <small id="partial"></small></h2><div id="chart"></div></section>
<section style="margin-top:10px"><h2>Recent failed calls</h2><table><thead><tr><th>time (UTC)</th><th>trunk</th><th>party</th><th class="n">SIP</th><th>reason</th></tr></thead><tbody id="failures"></tbody></table></section>
<script src="./dashboard/uplot.js"></script><script>const READYZ = ${JSON.stringify(`.${readyz}`)}; const METRICS = ${JSON.stringify(`.${metrics}`)}; const P = ${JSON.stringify(`${prefix}_`)}; const NER_MIN = ${JSON.stringify(nerMin)};${SCRIPT}</script>
</body></html>`;
}
