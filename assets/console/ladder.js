// The SIP ladder of one call (Homer's and sngrep's call flow): a lifeline per party (roles, never
// addresses), an arrow per captured message with its label and time offset, failures and Reason
// causes in the "bad" colour. Drawn as SVG from GET /metrics/calls/:id's `sip_flow`, with the same
// steps as a text list for screen readers and narrow screens. No dependencies, no build step.

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  // Role order (src/domain/vocab.ts SIP_FLOW_PARTIES): columns left to right.
  const ROLES = ['caller', 'proxy', 'proxy_2', 'proxy_3', 'proxy_4', 'callee', 'other'];
  const COL = 170; // px between lifelines: `486 Busy Here (INVITE)` fits at 12 px
  const ROW = 36; // room for a Reason line under its arrow
  const LEFT = 70; // the time column
  const TOP = 34;

  function el(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const failed = (s) => (s.code !== undefined && s.code >= 300) || s.reason !== undefined;

  /** The ladder's SVG for `steps` ([{at_ms, from, to, label, code?, reason?}]). */
  function svg(steps) {
    const parties = ROLES.filter((r) => steps.some((s) => s.from === r || s.to === r));
    const x = (p) => LEFT + COL / 2 + parties.indexOf(p) * COL;
    const width = LEFT + parties.length * COL;
    const height = TOP + steps.length * ROW + 12;
    const root = el('svg', {
      class: 'ladder',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': `SIP ladder: ${steps.length} messages between ${parties.join(', ')}`,
    });
    root.append(el('defs', {}));
    const marker = el('marker', {
      id: 'ladder-head',
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: 'context-stroke' }));
    root.firstChild.append(marker);
    for (const p of parties) {
      root.append(el('text', { x: x(p), y: 16, 'text-anchor': 'middle', class: 'ladder-party' }, p));
      root.append(el('line', { x1: x(p), y1: 22, x2: x(p), y2: height - 4, class: 'ladder-life' }));
    }
    steps.forEach((s, i) => {
      const y = TOP + i * ROW + 16;
      const a = x(s.from);
      const b = x(s.to);
      const g = el('g', {
        class: failed(s) ? 'ladder-msg bad' : 'ladder-msg',
        'data-sip': s.code ?? s.method,
      });
      g.append(el('text', { x: 4, y: y + 4, class: 'ladder-time' }, `${s.at_ms} ms`));
      if (a === b) {
        g.append(
          el('path', {
            d: `M${a},${y - 6} h24 v12 h-24`,
            class: 'ladder-arrow',
            'marker-end': 'url(#ladder-head)',
          }),
        );
        g.append(el('text', { x: a + 30, y: y + 4 }, s.label));
      } else {
        g.append(
          el('line', {
            x1: a,
            y1: y,
            x2: b,
            y2: y,
            class: 'ladder-arrow',
            'marker-end': 'url(#ladder-head)',
          }),
        );
        g.append(el('text', { x: (a + b) / 2, y: y - 5, 'text-anchor': 'middle' }, s.label));
      }
      if (s.reason !== undefined)
        g.append(
          el(
            'text',
            { x: (a + b) / 2, y: y + 12, 'text-anchor': 'middle', class: 'ladder-reason' },
            s.reason,
          ),
        );
      root.append(g);
    });
    return root;
  }

  /** The same steps as text: one item per message. */
  function list(steps) {
    const ol = document.createElement('ol');
    ol.className = 'ladder-list';
    for (const s of steps) {
      const li = document.createElement('li');
      li.dataset.sip = String(s.code ?? s.method);
      li.textContent = `${s.at_ms} ms  ${s.from} → ${s.to}  ${s.label}${s.reason ? `  ${s.reason}` : ''}`;
      ol.append(li);
    }
    return ol;
  }

  /**
   * Draw `steps` into `container` (replacing what it held).
   * @example window.drawLadder(document.getElementById('call-ladder'), call.sip_flow)
   */
  window.drawLadder = (container, steps) => {
    const scroll = document.createElement('div');
    scroll.className = 'ladder-scroll';
    scroll.append(svg(steps));
    container.replaceChildren(scroll, list(steps));
  };
})();
