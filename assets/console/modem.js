// The modem panel's history (issue 37): each modem's signal/RSRP trend and its registration and
// reconnect timeline for the console's window, from GET /metrics/modems (the stored samples), so
// a reload or a restart of the sidecar shows the same past. Loaded before console.js; it uses
// console.js's api(), h(), fill(), num() and utc() when called.

const SPANS = { '1h': { hours: 1 }, '6h': { hours: 6 }, '24h': { hours: 24 }, '7d': { days: 7 } };
/** Timeline entries shown per modem, newest first (`sidetone modem --json` has them all). */
const TIMELINE_ROWS = 8;
const BAD_CHANGES = new Set(['disconnected', 'not_registered', 'flapping']);
const modemCharts = new Map();

async function renderModemHistory(w, signalMinDbm) {
  const data = await api(boot.api.modems, SPANS[w]);
  const box = document.getElementById('modem-history');
  if (data.modems.length === 0) {
    for (const c of modemCharts.values()) c.destroy();
    modemCharts.clear();
    return fill('modem-history', h('p', { class: 'muted' }, 'no stored modem history in this window'));
  }
  const seen = new Set();
  for (const m of data.modems) {
    seen.add(m.modem);
    let el = box.querySelector(`[data-modem-history="${CSS.escape(m.modem)}"]`);
    if (!el) {
      el = h(
        'div',
        { 'data-modem-history': m.modem },
        h('h3', {}, `${m.modem} over the window`),
        h('p', { class: 'summary' }),
        h('div', { class: 'modem-chart' }),
        h('ol', { class: 'timeline', 'aria-label': `${m.modem} changes, newest first` }),
      );
      box.append(el);
    }
    const low = m.signal.min !== null && m.signal.min < signalMinDbm;
    el.querySelector('.summary').replaceChildren(
      h('span', { 'data-field': 'samples', 'data-value': m.samples }, `${num(m.samples)} samples`),
      ' · signal min ',
      h(
        'span',
        { 'data-field': 'signal-min', 'data-value': m.signal.min ?? '', class: low ? 'bad' : '' },
        num(m.signal.min, ' dBm'),
      ),
      ' · RSRP min ',
      h('span', { 'data-field': 'rsrp-min', 'data-value': m.rsrp.min ?? '' }, num(m.rsrp.min, ' dBm')),
      ' · reconnects recorded ',
      h(
        'span',
        { 'data-field': 'reconnects', 'data-value': m.reconnects, class: m.reconnects > 0 ? 'warn' : '' },
        num(m.reconnects),
      ),
    );
    el.querySelector('.timeline').replaceChildren(
      ...(m.timeline.length
        ? m.timeline
            .slice(-TIMELINE_ROWS)
            .reverse()
            .map((e) =>
              h(
                'li',
                { 'data-change': e.change, 'data-at': e.at, class: BAD_CHANGES.has(e.change) ? 'bad' : '' },
                `${utc(e.at)} ${e.change.replace('_', ' ')}${e.count > 1 ? ` ×${e.count}` : ''}`,
              ),
            )
        : [h('li', { class: 'muted' }, 'no change of state in this window')]),
    );
    drawModemChart(m, data.period, el.querySelector('.modem-chart'));
  }
  for (const el of box.querySelectorAll('[data-modem-history]'))
    if (!seen.has(el.dataset.modemHistory)) {
      modemCharts.get(el.dataset.modemHistory)?.destroy();
      modemCharts.delete(el.dataset.modemHistory);
      el.remove();
    }
}

function drawModemChart(m, period, target) {
  const data = [
    m.trend.map((p) => p.at / 1000),
    m.trend.map((p) => p.signalDbm),
    m.trend.map((p) => p.rsrpDbm),
  ];
  const width = Math.max(200, target.clientWidth);
  let chart = modemCharts.get(m.modem);
  if (chart && chart.width !== width) {
    chart.destroy();
    chart = undefined;
  }
  // The whole window on the x axis: a modem heard only lately shows as such, not stretched.
  const range = [period.from / 1000, period.to / 1000];
  if (chart) {
    chart.periodRange = range;
    return chart.setData(data);
  }
  const css = getComputedStyle(document.body);
  chart = new uPlot(
    {
      width,
      height: 120,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: (u) => u.periodRange || range } },
      axes: [{ stroke: css.color }, { stroke: css.color }],
      series: [
        {},
        { label: 'signal dBm (worst)', stroke: '#1e88e5', spanGaps: false },
        { label: 'RSRP dBm (worst)', stroke: '#8e24aa', spanGaps: false },
      ],
    },
    data,
    target,
  );
  modemCharts.set(m.modem, chart);
}

window.sidetoneViews = { ...window.sidetoneViews, modemHistory: renderModemHistory };
