// The web console's script: standard DOM, no build step. Every figure comes from the analytics
// API (`GET /metrics/console`, `/metrics/calls`, `/metrics/calls/:id`) and readiness, at the paths
// the server hands over in #boot (src/http/api-paths.ts). Figures carry `data-figure` (their path
// in the API's answer) and `data-value` (the raw number) so a test can hold the page to the API.

const boot = JSON.parse(document.getElementById('boot').textContent);
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const REFRESH_MS = Math.max(1, Number(q.get('refresh') || 15)) * 1000;
const WINDOWS = ['1h', '6h', '24h', '7d'];
// The newest calls in progress; the call list's "in progress" filter has the rest.
const LIVE_ROWS = 10;
let win = WINDOWS.includes(q.get('window')) ? q.get('window') : '24h';
let token = sessionStorage.getItem('sidetone-token') || '';
let lastOk = 0;
let failing = false;
let seq = 0;
let busy = false;
let chart;
let last;

/** An element: h('td', { class: 'n' }, 'text', child). Text is text, never markup. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}
const fill = (id, ...children) => $(id).replaceChildren(...children.flat());
const NONE = '—';
/** A call's cost (`voiceai.prices`) in its currency, to the hundredth of a cent; null when not priced. */
const money = (v, currency) => (v === null || v === undefined ? null : `${v.toFixed(4)} ${currency}`);
const cost = (c) =>
  c.cost_total === null
    ? null
    : `${money(c.cost_total, c.cost_currency)}${c.cost_unpriced > 0 ? ` (+ ${c.cost_unpriced} unpriced usage reports)` : ''}`;
const costParts = (c) =>
  c.cost_total === null
    ? null
    : ['llm', 'stt', 'tts', 'carrier']
        .filter((k) => c[`cost_${k}`] !== null)
        .map((k) => `${k} ${money(c[`cost_${k}`], c.cost_currency)}`)
        .join(' · ');
const num = (v, unit = '', digits = 1) =>
  v === null || v === undefined || Number.isNaN(v)
    ? NONE
    : `${Number(v).toLocaleString('en', { maximumFractionDigits: digits })}${unit}`;
const utc = (ms) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
const iso = (s) => (s ? s.slice(5, 19).replace('T', ' ') : NONE);
const ago = (s) =>
  s === null || s === undefined
    ? NONE
    : s < 120
      ? `${s} s`
      : s < 7200
        ? `${Math.round(s / 60)} min`
        : `${Math.round(s / 360) / 10} h`;
const get = (o, path) =>
  path.split('.').reduce((x, k) => (x === null || x === undefined ? undefined : x[k]), o);
/** A figure: its text, and its path and raw value for whoever checks the page against the API. */
const figure = (tag, path, value, text, cls) =>
  h(
    tag,
    { 'data-figure': path, 'data-value': value === null || value === undefined ? '' : value, class: cls },
    text,
  );
const url = (path, query) => `.${path}${query ? `?${new URLSearchParams(query)}` : ''}`;

async function api(path, query) {
  const res = await fetch(url(path, query), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    // Longer than the interval: a server slower than it (a Pi under load, a week's window) still
    // answers; a dead one is red within two intervals from tick(), not from this timeout.
    signal: AbortSignal.timeout(Math.max(10_000, 2 * REFRESH_MS)),
  });
  if (res.status === 401) {
    $('login').hidden = false;
    throw Object.assign(new Error('this server wants a token'), { auth: true });
  }
  if (!res.ok && res.status !== 503) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** Higher is better: bad below `bad`, amber below `warn`. */
const grade = (v, bad, warn) =>
  v === null || v === undefined ? '' : v < bad ? 'bad' : v < warn ? 'warn' : 'ok';

/** The change as the server words it (analytics/console.ts showChange: %, ×N, a count or new). */
function change(c, higherBetter) {
  if (!c?.shown) return '';
  const d = c.value - c.previous;
  // From nothing ("new") there is no better or worse to colour.
  const good = d === 0 || c.previous === 0 ? '' : d > 0 === higherBetter ? 'ok' : 'bad';
  return h('small', { class: good, title: `previous period: ${num(c.previous)}` }, ` ${c.shown}`);
}

/** Every readiness check: a dot (ok, bad when critical, warn when not), its name, its detail on hover. */
function renderChecks(checks) {
  fill(
    'checks',
    Object.entries(checks).map(([n, c]) =>
      h(
        'li',
        { 'data-check': n, 'data-critical': String(c.critical), title: c.detail },
        h(
          'span',
          { class: c.status === 'pass' ? 'ok' : c.critical ? 'bad' : 'warn', 'aria-hidden': 'true' },
          '●',
        ),
        ` ${n} `,
        h('small', {}, c.status === 'pass' ? 'pass' : `${c.status}${c.critical ? '' : ' (non-critical)'}`),
      ),
    ),
  );
}

function renderProblems(problems) {
  const items = problems.map((p) =>
    h(
      'li',
      { 'data-alert': p.alert, 'data-severity': p.severity, 'data-trunk': p.trunk },
      `${p.message} `,
      h('a', { href: `#${p.panel}-panel` }, 'panel'),
      ' · ',
      h('a', { href: p.runbook, target: '_blank', rel: 'noopener' }, 'runbook'),
    ),
  );
  fill('problems', items);
  $('problems-count').textContent = problems.length ? `(${problems.length})` : '';
  $('problems-panel').classList.toggle('has-problems', problems.length > 0);
  $('all-clear').hidden = problems.length > 0;
}

function renderCalls(d) {
  const c = d.calls;
  const t = d.thresholds;
  const kpi = c.kpis;
  const row = (label, path, value, text, cls, extra) => [
    h('dt', {}, label),
    h('dd', {}, figure('span', path, value, text, cls), extra || ''),
  ];
  fill(
    'calls',
    row('calls', 'calls.total.value', c.total.value, num(c.total.value), '', change(c.total, true)),
    row(
      'answered',
      'calls.answered.value',
      c.answered.value,
      num(c.answered.value),
      '',
      change(c.answered, true),
    ),
    row(
      'not answered',
      'calls.failed.value',
      c.failed.value,
      num(c.failed.value),
      c.failed.value > 0 ? 'warn' : '',
      change(c.failed, false),
    ),
    row('other', 'calls.other', c.other, num(c.other), '', h('small', {}, ' in progress or auth challenge')),
    row('in progress now', 'live.count', d.live.count, num(d.live.count)),
    row('ASR', 'calls.kpis.asr', kpi.asr, num(kpi.asr, ' %')),
    row(
      'NER',
      'calls.kpis.ner',
      kpi.ner,
      num(kpi.ner, ' %'),
      grade(kpi.ner, t.nerMinPercent, t.nerMinPercent + 10),
    ),
    row('PDD', 'calls.kpis.pddMs', kpi.pddMs, num(kpi.pddMs, ' ms', 0)),
    row(
      'MOS',
      'calls.mosAvg',
      c.mosAvg,
      num(c.mosAvg, '', 2),
      c.mosAvg === null ? '' : c.mosAvg < t.mosMin ? 'bad' : 'ok',
    ),
  );
  $('period').textContent = `${utc(d.period.from)} → ${utc(d.period.to)}`;
}

function renderTrunks(d) {
  const live = new Map(d.trunksLive.map((t) => [t.trunk, t]));
  const names = [...new Set([...d.trunksLive.map((t) => t.trunk), ...d.trunks.map((t) => t.trunk)])];
  const kpis = new Map(d.trunks.map((t, i) => [t.trunk, [t, i]]));
  const rows = names.map((name) => {
    const l = live.get(name);
    const [k, i] = kpis.get(name) || [];
    const state =
      !l || l.up === null
        ? h('span', { 'data-state': 'unknown' }, 'unknown')
        : l.up
          ? h('span', { class: 'ok', 'data-state': 'up' }, '▲ up')
          : h('span', { class: 'bad', 'data-state': 'down' }, '▼ down');
    const f = (key, unit, cls, digits) =>
      k
        ? figure(
            'td',
            `trunks.${i}.kpis.${key}`,
            k.kpis[key],
            num(k.kpis[key], unit, digits),
            `n ${key} ${cls || ''}`,
          )
        : h('td', { class: `n ${key}` }, NONE);
    return h(
      'tr',
      { 'data-trunk': name, class: l && l.up === false ? 'failing' : '' },
      h('th', { scope: 'row' }, name),
      h('td', {}, state),
      h('td', { class: 'n' }, l ? num(l.optionsRttMs, ' ms') : NONE),
      k ? figure('td', `trunks.${i}.calls`, k.calls, num(k.calls), 'n') : h('td', { class: 'n' }, '0'),
      f('asr', ' %'),
      f('ner', ' %', k ? grade(k.kpis.ner, d.thresholds.nerMinPercent, d.thresholds.nerMinPercent + 10) : ''),
      f('pddMs', ' ms', '', 0),
    );
  });
  fill(
    'trunks',
    rows.length
      ? rows
      : h('tr', {}, h('td', { colspan: 7 }, 'no trunk reported and no calls in this window')),
  );
  const sel = $('f-trunk');
  const keep = sel.value;
  sel.replaceChildren(h('option', { value: '' }, 'all'), ...names.map((n) => h('option', { value: n }, n)));
  sel.value = names.includes(keep) ? keep : '';
}

function renderModem(d) {
  if (d.modems.length === 0) return fill('modem', h('p', { class: 'muted' }, 'no modem reported'));
  fill(
    'modem',
    d.modems.map((m) =>
      h(
        'dl',
        { class: 'kv', 'data-modem': m.modem },
        h('dt', {}, 'modem'),
        h('dd', {}, m.modem),
        h('dt', {}, 'registration'),
        h(
          'dd',
          {
            'data-modem-field': 'registered',
            class: m.registered === false ? 'bad' : m.registered ? 'ok' : '',
          },
          m.connected === false
            ? 'disconnected'
            : m.registered === null
              ? 'unknown'
              : m.registered
                ? 'registered'
                : 'not registered',
        ),
        h('dt', {}, 'signal'),
        h(
          'dd',
          {
            'data-modem-field': 'signal',
            class: m.signalDbm === null ? '' : m.signalDbm < d.thresholds.signalMinDbm ? 'bad' : 'ok',
          },
          num(m.signalDbm, ' dBm'),
        ),
        h('dt', {}, 'reconnects'),
        h(
          'dd',
          { 'data-modem-field': 'reconnects' },
          num(m.reconnects),
          m.flapping ? h('b', { class: 'bad' }, ' flapping') : '',
        ),
      ),
    ),
  );
}

function renderSms(d) {
  const s = d.sms;
  const t = d.thresholds;
  const row = (label, key, text, cls) => [
    h('dt', {}, label),
    h('dd', {}, figure('span', `sms.${key}`, get(s, key), text, cls)),
  ];
  fill(
    'sms',
    row('sent', 'sent', num(s.sent)),
    row('delivered', 'delivered', num(s.delivered), s.delivered > 0 ? 'ok' : ''),
    row('failed', 'failed', num(s.failed), s.failed > 0 ? 'bad' : ''),
    row('awaiting report', 'awaiting', num(s.awaiting)),
    row('no report awaited', 'expired', num(s.expired), s.expired > 0 ? 'warn' : ''),
    row(
      'oldest awaiting',
      'oldestAwaitingSeconds',
      ago(s.oldestAwaitingSeconds),
      // Red only when the strip says reports stalled; one lost report among many is amber.
      d.problems.some((p) => p.alert === 'SidetoneSmsDeliveryReportsStalled')
        ? 'bad'
        : s.oldestAwaitingSeconds > t.smsPendingMaxSeconds
          ? 'warn'
          : '',
    ),
    row('delivery rate', 'deliveryRate', num(s.deliveryRate, ' %')),
    row('latency p50', 'latency.p50', num(s.latency.p50, ' s')),
    row('latency p95', 'latency.p95', num(s.latency.p95, ' s')),
    row('received', 'received', num(s.received)),
  );
}

function renderLive(d) {
  $('live-count').textContent = `(${d.live.count})`;
  fill(
    'live',
    d.live.calls.length
      ? d.live.calls
          .slice(0, LIVE_ROWS)
          .map((c) =>
            h(
              'tr',
              { 'data-call': c.id },
              h('td', {}, h('a', { href: `#call=${encodeURIComponent(c.id)}` }, c.id.slice(0, 14))),
              h('td', {}, c.trunk || NONE),
              h('td', {}, c.state),
              h('td', { class: 'n' }, ago(c.ageSeconds)),
            ),
          )
      : h('tr', {}, h('td', { colspan: 4 }, 'no call in progress')),
    d.live.count > LIVE_ROWS
      ? h(
          'tr',
          {},
          h(
            'td',
            { colspan: 4 },
            `and ${d.live.count - LIVE_ROWS} more (outcome "in progress" below lists them)`,
          ),
        )
      : [],
  );
}

function renderReasons(d) {
  const rows = Object.entries(d.calls.failedByReason).sort((a, b) => b[1] - a[1]);
  fill(
    'reasons',
    rows.length
      ? rows.map(([r, n]) =>
          h(
            'tr',
            { 'data-reason': r },
            h('td', {}, r),
            figure('td', `calls.failedByReason.${r}`, n, num(n), 'n'),
          ),
        )
      : h('tr', {}, h('td', { colspan: 2 }, 'no failed calls')),
  );
  $('mos').textContent = d.calls.mediaCount
    ? `${num(d.calls.mediaCount)} calls with media reports, mean MOS ${num(d.calls.mosAvg, '', 2)} (alert below ${d.thresholds.mosMin})`
    : 'no media reports in this window';
  // voiceai.first_byte events, when an integration sends them; the turns are the voice panel's.
  $('voiceai').hidden = d.voiceAi.length === 0;
  fill(
    'voiceai',
    d.voiceAi.map((v) =>
      h('li', { 'data-stage': v.stage }, `${v.stage} first byte ${num(v.firstByteMs, ' ms', 0)}`),
    ),
  );
}

/** Each voice agent over the windows its alerts judge (the API's `voice`), red where an alert's threshold is crossed. */
function renderVoice(d) {
  const v = d.voice;
  const t = d.thresholds;
  // Outbound calls' human-connect rate (AMD human / attempts), as its recording rule reads it.
  // Each figure carries its API path (data-figure), as the agents' rows do: page = API, checkable.
  const hc = v.humanConnect;
  // Red as SidetoneHumanConnectLow judges it: a detector's verdict, enough attempts, below the threshold.
  const low =
    hc &&
    hc.verdicts > 0 &&
    hc.attempts >= t.kpiMinAttempts &&
    hc.human / hc.attempts < t.humanConnectMinRatio;
  const connect =
    hc && hc.attempts > 0
      ? [
          '; human connect ',
          figure(
            'span',
            'voice.humanConnect.rate',
            hc.rate,
            num(hc.rate * 100, ' %'),
            low ? 'bad' : undefined,
          ),
          ' (',
          figure('span', 'voice.humanConnect.human', hc.human, num(hc.human)),
          ' of ',
          figure('span', 'voice.humanConnect.attempts', hc.attempts, num(hc.attempts)),
          ` outbound, ${hc.windowMinutes} min)`,
        ]
      : [];
  $('voice-window').replaceChildren(
    `last ${v.silenceWindowMinutes} min, dead air ${v.deadAirWindowMinutes} min`,
    ...connect,
  );
  // What the answering-machine detector found on the outbound calls, by category, over the same window.
  const verdicts = hc ? Object.entries(hc.byCategory) : [];
  $('amd').hidden = verdicts.length === 0;
  $('amd').replaceChildren(
    ...(verdicts.length === 0
      ? []
      : [
          `Answering-machine verdicts, last ${hc.windowMinutes} min: `,
          ...verdicts.flatMap(([c, n], i) => [
            i === 0 ? '' : ', ',
            `${c} `,
            figure('span', `voice.humanConnect.byCategory.${c}`, n, num(n)),
          ]),
          ` (human connect below ${num(t.humanConnectMinRatio * 100, ' %')} of ${num(t.kpiMinAttempts)} or more outbound attempts: SidetoneHumanConnectLow)`,
        ]),
  );
  const sec = (ms) => (ms === null ? NONE : num(ms / 1000, ' s', 2));
  const rows = v.agents.map((a, i) => {
    const at = (key) => `voice.agents.${i}.${key}`;
    const s = a.slowestSegment;
    const interruptions = Object.values(a.interruptions).reduce((n, x) => n + x, 0);
    return h(
      'tr',
      { 'data-agent': a.agent },
      h('th', { scope: 'row' }, a.agent),
      figure('td', at('turns'), a.turns, num(a.turns), 'n'),
      figure('td', at('silenceP50Ms'), a.silenceP50Ms, sec(a.silenceP50Ms), 'n'),
      figure(
        'td',
        at('silenceP95Ms'),
        a.silenceP95Ms,
        sec(a.silenceP95Ms),
        a.silenceP95Ms !== null && a.silenceP95Ms > t.voiceSilenceP95Seconds * 1000 ? 'n bad' : 'n',
      ),
      s
        ? figure(
            'td',
            at('slowestSegment.meanMs'),
            s.meanMs,
            `${s.segment} ${num(s.meanMs, ' ms', 0)} (${num(s.sharePercent, ' %')})`,
          )
        : h('td', {}, NONE),
      figure(
        'td',
        at('deadAirRatio'),
        a.deadAirRatio,
        a.deadAirRatio === null ? NONE : `${num(a.deadAirRatio * 100, ' %')} of ${num(a.deadAirWindowTurns)}`,
        a.deadAirRatio !== null && a.deadAirRatio > t.voiceDeadAirRatio ? 'n bad' : 'n',
      ),
      h(
        'td',
        {
          class: 'n wide-only',
          title: Object.entries(a.interruptions)
            .map(([k, n]) => `${k} ${n}`)
            .join(', '),
        },
        num(interruptions),
      ),
    );
  });
  fill(
    'voice',
    rows.length
      ? rows
      : h(
          'tr',
          {},
          h('td', { colspan: 7 }, `no voice-agent turns in the last ${v.deadAirWindowMinutes} min`),
        ),
  );
}

function renderChart(d) {
  const s = d.series;
  const minutes = d.bucketMs / 60000;
  $('bucket').textContent = minutes >= 60 ? `${minutes / 60} h` : `${minutes} min`;
  const p = s.find((x) => x.partial);
  $('partial').textContent = p ? `(the last bucket, from ${utc(p.start)}, is still filling)` : '';
  $('partial').dataset.partialStart = p ? p.start : '';
  const data = [
    s.map((x) => x.start / 1000),
    s.map((x) => x.total),
    s.map((x) => x.answered),
    s.map((x) => x.failed),
  ];
  const width = Math.max(200, $('chart').clientWidth);
  const css = getComputedStyle(document.body);
  if (chart && chart.width !== width) {
    chart.destroy();
    chart = undefined;
  }
  if (chart) return chart.setData(data);
  chart = new uPlot(
    {
      width,
      height: 160,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [{ stroke: css.color }, { stroke: css.color }],
      // The bucket still filling, shaded: its counts are not comparable with its neighbours' yet.
      hooks: { draw: [shadePartial] },
      series: [
        {},
        { label: 'calls', stroke: '#1e88e5' },
        { label: 'answered', stroke: '#43a047' },
        { label: 'not answered', stroke: '#e53935' },
      ],
    },
    data,
    $('chart'),
  );
}

function shadePartial(u) {
  const starts = u.data[0];
  if (!last || starts.length < 2 || !last.series.at(-1).partial) return;
  // From the last full bucket's point: the segment that ends in the still-filling one.
  const x0 = u.valToPos(starts.at(-2), 'x', true);
  u.ctx.save();
  u.ctx.fillStyle = 'rgba(128, 128, 128, 0.18)';
  u.ctx.fillRect(x0, u.bbox.top, u.bbox.left + u.bbox.width - x0, u.bbox.height);
  u.ctx.restore();
}

function statusCell(c) {
  return h(
    'td',
    { class: c.status === 'completed' ? 'ok' : c.status === 'active' ? '' : 'bad' },
    c.reason ? `${c.status} (${c.reason})` : c.status,
  );
}

/**
 * A B2BUA's legs listed as one call (issue 53): the end-to-end outcome, the leg that failed, and a
 * link to each leg's page (the row's own link opens the A leg's).
 */
function endToEndCell(e) {
  const cls = e.outcome === 'answered' ? 'ok' : e.outcome === null ? '' : 'bad';
  const verdict =
    e.outcome === null
      ? 'active'
      : e.failed_leg
        ? `${e.outcome} (${e.failed_leg.toUpperCase()} leg)`
        : e.outcome;
  return h(
    'td',
    { class: cls, 'data-end-to-end': e.id },
    `${verdict}, legs `,
    ...e.legs.flatMap((l, i) => [
      i > 0 ? ' ' : '',
      h(
        'a',
        { href: `#call=${encodeURIComponent(l.call_id)}`, title: l.outcome ?? 'active' },
        l.leg.toUpperCase(),
      ),
    ]),
  );
}

async function refreshList() {
  const query = { window: win, outcome: $('f-outcome').value, limit: 25 };
  if ($('f-trunk').value) query.trunk = $('f-trunk').value;
  if ($('f-direction').value) query.direction = $('f-direction').value;
  const { calls } = await api(boot.api.calls, query);
  fill(
    'call-list',
    calls.length
      ? calls.map((c) =>
          h(
            'tr',
            { 'data-call': c.call_id },
            h(
              'td',
              {},
              h('a', { href: `#call=${encodeURIComponent(c.call_id)}` }, iso(c.started_at || c.ended_at)),
            ),
            h('td', {}, c.trunk || NONE),
            h('td', {}, (c.direction === 'inbound' ? c.from : c.to) || NONE),
            c.end_to_end ? endToEndCell(c.end_to_end) : statusCell(c),
            h('td', { class: 'n' }, c.sip_code ?? NONE),
          ),
        )
      : h('tr', {}, h('td', { colspan: 5 }, 'no such call in this window')),
  );
}

/**
 * One refresh at a time: the timer skips while one is in flight, the user (a new window, the
 * login) supersedes it. Each timer tick superseding the last one never finished a refresh on a
 * server answering in more than the interval: the page stayed empty (4 demos side by side in CI,
 * 30 s without one).
 */
async function refresh(fromTimer) {
  if (fromTimer === true && busy) return;
  busy = true;
  const mine = ++seq;
  try {
    const [ready, d] = await Promise.all([api(boot.server.readyz), api(boot.api.console, { window: win })]);
    if (mine !== seq) return;
    last = d;
    const ok = ready.status === 'ready';
    $('status').className = ok ? 'ready' : 'degraded';
    // A demo writing its history in the background says how far it is (issue 50), not just "not ready".
    const backfill = ready.checks?.demo_backfill;
    // So does a store building the rollups it was opened without (issue 51): ready, reads answer
    // from the records meanwhile, and the badge says how far the build is.
    const rollups = ready.checks?.store_rollups?.detail;
    const building = typeof rollups === 'string' && rollups.startsWith('rollups building') ? rollups : '';
    $('status').textContent = ok
      ? building
        ? `Ready; ${building}`
        : 'Ready'
      : backfill && backfill.status !== 'pass'
        ? `Not ready: ${backfill.detail}`
        : building
          ? `Not ready; ${building}`
          : 'Not ready';
    renderChecks(ready.checks || {});
    renderProblems(d.problems);
    renderCalls(d);
    renderTrunks(d);
    renderModem(d);
    renderSms(d);
    renderLive(d);
    renderReasons(d);
    renderVoice(d);
    renderChart(d);
    await Promise.all([refreshList(), window.sidetoneViews.modemHistory(win, d.thresholds.signalMinDbm)]);
    lastOk = Date.now();
    failing = false;
    $('error').textContent = '';
    document.body.dataset.loaded = String(lastOk);
  } catch (e) {
    if (mine !== seq) return;
    failing = !e.auth;
    $('error').textContent = e.message;
  } finally {
    if (mine === seq) busy = false;
  }
  tick();
}

/** Red, badge included, as soon as a refresh fails or none succeeded for two intervals. */
function tick() {
  const stale = lastOk > 0 && (failing || Date.now() - lastOk > 2 * REFRESH_MS);
  document.body.classList.toggle('stale', stale);
  $('banner').textContent = stale ? 'Server unreachable: figures below are stale' : '';
  if (stale) {
    $('status').className = 'unreachable';
    $('status').textContent = 'Unreachable';
    if (!$('problems').querySelector('[data-alert="SidetoneDown"]')) {
      const runbook = last ? `${last.thresholds.runbookUrl}#sidetonedown` : '#';
      $('problems').prepend(
        h(
          'li',
          { 'data-alert': 'SidetoneDown', 'data-severity': 'critical' },
          'the sidecar does not answer ',
          h('a', { href: runbook, target: '_blank', rel: 'noopener' }, 'runbook'),
        ),
      );
      $('all-clear').hidden = true;
      $('problems-panel').classList.add('has-problems');
    }
  }
  const age = lastOk === 0 ? null : Math.round((Date.now() - lastOk) / 1000);
  $('freshness').textContent = age === null ? 'loading…' : `updated ${age} s ago`;
}

async function showCall(id) {
  $('overview').hidden = true;
  $('problems-panel').hidden = true;
  $('call-page').hidden = false;
  $('call-title').textContent = `Call ${id}`;
  try {
    const { call: c, end_to_end: e2e } = await api(boot.api.call.replace(':id', encodeURIComponent(id)));
    const kv = (pairs) =>
      pairs.flatMap(([k, v, cls]) => [
        h('dt', {}, k),
        h('dd', { 'data-field': k, class: cls }, v === null || v === undefined ? NONE : String(v)),
      ]);
    fill(
      'call-outcome',
      kv([
        ['status', c.status, c.status === 'completed' ? 'ok' : c.status === 'active' ? '' : 'bad'],
        ['outcome', c.outcome],
        ['reason', c.reason],
        ['SIP code', c.sip_code],
        ['Q.850 cause', c.q850],
        ['hung up by', c.hangup_by],
        ['network effective', c.effective ? 'yes' : 'no'],
        ['trunk', c.trunk],
        ['direction', c.direction],
        ['channel', c.channel],
        ['from', c.from],
        ['to', c.to],
        // Issue 52: who answered (the answering-machine verdict) and what the call cost.
        ['answering machine', c.amd],
        [
          'human connect',
          c.amd === null ? null : c.human_connect ? 'yes' : 'no',
          c.human_connect ? 'ok' : '',
        ],
        ['cost', cost(c)],
        ['cost by part', costParts(c)],
      ]),
    );
    fill(
      'call-timing',
      kv([
        ['started', iso(c.started_at)],
        ['ringing', iso(c.ringing_at)],
        ['answered', iso(c.answered_at)],
        ['ended', iso(c.ended_at)],
        ['post-dial delay', num(c.pdd_ms, ' ms', 0)],
        ['duration', num(c.duration_ms === null ? null : c.duration_ms / 1000, ' s')],
        ['talk', num(c.talk_ms === null ? null : c.talk_ms / 1000, ' s')],
      ]),
    );
    // Per direction when a report named its stream (the worst of each); else the call's worst.
    const media = Array.isArray(c.media)
      ? c.media
      : [
          {
            direction: 'worst reported',
            mos: c.mos,
            jitter_ms: c.jitter_ms,
            loss_percent: c.loss_percent,
            rtt_ms: c.rtt_ms,
            codec: null,
          },
        ];
    const arrow = { caller_to_callee: 'caller → callee', callee_to_caller: 'callee → caller' };
    fill(
      'call-media',
      media.map((m) =>
        h(
          'tr',
          { 'data-direction': m.direction },
          h('th', { scope: 'row' }, arrow[m.direction] ?? m.direction),
          h(
            'td',
            { class: last && m.mos !== null && m.mos < last.thresholds.mosMin ? 'n bad' : 'n' },
            num(m.mos, '', 2),
          ),
          h('td', { class: 'n' }, num(m.jitter_ms, ' ms')),
          h('td', { class: 'n' }, num(m.loss_percent, ' %')),
          h('td', { class: 'n' }, num(m.rtt_ms, ' ms')),
          h('td', {}, m.codec ?? NONE),
        ),
      ),
    );
    // The SIP ladder and the agent's turns appear when the store keeps them (HEP flows, voice turns).
    const ladder = Array.isArray(c.sip_flow) ? c.sip_flow : [];
    $('call-ladder-panel').hidden = ladder.length === 0;
    if (ladder.length > 0) window.drawLadder($('call-ladder'), ladder); // ladder.js
    endToEnd(e2e, kv);
    window.sidetoneViews.agent(c); // turns.js
    $('call-trace').hidden = !c.trace_id;
    if (c.trace_id)
      fill(
        'call-trace',
        'trace ',
        c.trace_url
          ? h('a', { href: c.trace_url, target: '_blank', rel: 'noopener' }, c.trace_id)
          : c.trace_id,
      );
  } catch (e) {
    $('error').textContent = e.message;
  }
}

/**
 * A B2BUA call's legs (hep.leg_correlation): the end-to-end verdict and each leg's outcome, PDD
 * and ladder, A (the caller's) first; hidden for a call of one leg.
 */
function endToEnd(e2e, kv) {
  $('call-legs-panel').hidden = !e2e;
  if (!e2e) return;
  const failed = { a: 'A (caller leg)', b: 'B (callee leg)' };
  fill(
    'call-e2e',
    kv([
      ['end-to-end outcome', e2e.outcome, e2e.outcome === 'answered' ? 'ok' : e2e.outcome ? 'bad' : ''],
      ['failed leg', e2e.failed_leg === null ? null : failed[e2e.failed_leg]],
      ['caller post-dial delay', num(e2e.pdd_ms, ' ms', 0)],
    ]),
  );
  fill(
    'call-legs',
    e2e.legs.map((l) => {
      const ladder = h('div', { class: 'leg-ladder' });
      if (Array.isArray(l.sip_flow) && l.sip_flow.length > 0)
        window.drawLadder(ladder, l.sip_flow); // ladder.js
      else ladder.textContent = 'no SIP flow kept for this leg';
      return h(
        'section',
        { 'data-leg': l.leg },
        h(
          'h4',
          {},
          `Leg ${l.leg.toUpperCase()}: ${l.outcome ?? 'active'}`,
          l.sip_code === null ? '' : ` (${l.sip_code})`,
          `, post-dial delay ${num(l.pdd_ms, ' ms', 0)}`,
        ),
        h('p', {}, h('a', { href: `#call=${encodeURIComponent(l.call_id)}` }, l.call_id)),
        ladder,
      );
    }),
  );
}

function route() {
  const m = /^#call=(.+)$/.exec(location.hash);
  if (m) return showCall(decodeURIComponent(m[1]));
  $('call-page').hidden = true;
  $('overview').hidden = false;
  $('problems-panel').hidden = false;
}

function setWindow(w) {
  win = w;
  for (const b of $('range').querySelectorAll('button'))
    b.setAttribute('aria-pressed', String(b.dataset.window === w));
}
$('range').addEventListener('click', (e) => {
  const w = e.target.closest('button')?.dataset.window;
  if (!w) return;
  setWindow(w);
  refresh();
});
$('filters').addEventListener('change', () =>
  refreshList().catch((e) => {
    $('error').textContent = e.message;
  }),
);
$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem('sidetone-token', token);
  $('login').hidden = true;
  refresh();
});
window.addEventListener('hashchange', route);
window.addEventListener('resize', () => last && renderChart(last));
setWindow(win);
route();
refresh();
setInterval(() => refresh(true), REFRESH_MS);
setInterval(tick, 1000);
