// The call page's voice-agent half: the turn summary the store keeps on the call row (issue 36,
// GET /metrics/calls/:id `agent_*`), beside the SIP outcome and media, and the turns themselves
// (`turns`: each heard silence as a bar stacked from its segments). Loaded before console.js;
// it uses console.js's h(), fill(), num() and figure() when called. Figures carry `data-figure`
// (their field in the API's `call`) and `data-value` (the raw number), as the console's do.

/** Render `call-agent` from one call row; the panel stays hidden for a call without agent turns. */
function renderAgent(c) {
  const panel = document.getElementById('call-agent-panel');
  panel.hidden = c.agent_turns === null || c.agent_turns === undefined;
  if (panel.hidden) return fill('call-agent');
  const s = (ms) => (ms === null || ms === undefined ? null : ms / 1000);
  const row = (label, key, text, cls) => [
    h('dt', {}, label),
    h('dd', {}, figure('span', `call.${key}`, c[key], text, cls)),
  ];
  fill(
    'call-agent',
    row('turns', 'agent_turns', num(c.agent_turns, '', 0)),
    row('heard silence p50', 'agent_silence_p50_ms', num(s(c.agent_silence_p50_ms), ' s', 2)),
    row('heard silence p95', 'agent_silence_p95_ms', num(s(c.agent_silence_p95_ms), ' s', 2)),
    row(
      'interruptions',
      'agent_interruptions',
      num(c.agent_interruptions, '', 0),
      c.agent_interruptions > 0 ? 'warn' : '',
    ),
    row(
      'turns with dead air',
      'agent_dead_air',
      num(c.agent_dead_air, '', 0),
      c.agent_dead_air > 0 ? 'bad' : '',
    ),
    row('agent talking', 'agent_talk_ms', num(s(c.agent_talk_ms), ' s')),
    row('caller talking', 'agent_listen_ms', num(s(c.agent_listen_ms), ' s')),
    row('talk / listen', 'agent_talk_listen_ratio', num(c.agent_talk_listen_ratio, '', 2)),
  );
}

/** The segments in pipeline order (TURN_SEGMENTS): a class each for its colour, a name for people. */
const SEGMENTS = [
  ['stt', 'speech to text'],
  ['endpointing', 'end of turn'],
  ['llm_ttft', 'LLM first token'],
  ['tool', 'tools'],
  ['llm2_ttft', 'LLM after tools'],
  ['thinking', 'thinking'],
  ['tts_ttfb', 'TTS first byte'],
  ['remainder', 'to first audio'],
  ['unattributed', 'unattributed'],
];
const ms = (v) => num(v, ' ms', 0);

/** What the turn says beside its silence (LLM and tool calls, end-of-turn detection, transcript confidence), when it does. */
function turnDetails(t) {
  const said = [
    typeof t.llm_calls === 'number' && [
      'llm_calls',
      t.llm_calls,
      `${t.llm_calls} LLM call${t.llm_calls === 1 ? '' : 's'}`,
    ],
    typeof t.tool_calls === 'number' && [
      'tool_calls',
      t.tool_calls,
      `${t.tool_calls} tool call${t.tool_calls === 1 ? '' : 's'}${t.tool_errors ? ` (${t.tool_errors} failed)` : ''}`,
    ],
    typeof t.eou_probability === 'number' && [
      'eou_probability',
      t.eou_probability,
      `end of turn p ${num(t.eou_probability, '', 2)}`,
    ],
    typeof t.eou_endpointing_delay_ms === 'number' && [
      'eou_endpointing_delay_ms',
      t.eou_endpointing_delay_ms,
      `waited ${ms(t.eou_endpointing_delay_ms)}`,
    ],
    typeof t.eou_detection_delay_ms === 'number' && [
      'eou_detection_delay_ms',
      t.eou_detection_delay_ms,
      `detected in ${ms(t.eou_detection_delay_ms)}`,
    ],
    typeof t.transcript_confidence === 'number' && [
      'transcript_confidence',
      t.transcript_confidence,
      `transcript confidence ${num(t.transcript_confidence, '', 2)}`,
    ],
  ].filter(Boolean);
  if (said.length === 0) return [];
  return [
    h(
      'p',
      { class: 'turn-parts' },
      ...said.flatMap(([k, v, text], i) => [
        i > 0 ? ' · ' : '',
        h('span', { 'data-detail': k, 'data-value': v }, text),
      ]),
    ),
  ];
}

/**
 * Render `call-turns`: one row per stored turn, its heard silence as a bar whose parts are its
 * segments (widths against the call's longest silence; the same figures as text beside it, for
 * screen readers and for reading exact values), and its marks (interrupted, dead air).
 */
function renderTurns(c) {
  const turns = Array.isArray(c.turns) ? c.turns : [];
  document.getElementById('call-turns-panel').hidden = turns.length === 0;
  const longest = Math.max(1, ...turns.map((t) => t.heard_silence_ms ?? 0));
  const rows = turns.map((t) => {
    const parts = SEGMENTS.filter(([k]) => typeof t.segments[k] === 'number');
    const bar = h('span', { class: 'turn-bar', 'aria-hidden': 'true' });
    for (const [k, label] of parts) {
      const seg = h('span', { class: `seg seg-${k}`, title: `${label} ${ms(t.segments[k])}` });
      seg.style.width = `${(100 * t.segments[k]) / longest}%`;
      bar.append(seg);
    }
    const marks = [
      t.interrupted && h('span', { class: 'mark warn', 'data-mark': 'interrupted' }, 'interrupted'),
      t.dead_air && h('span', { class: 'mark bad', 'data-mark': 'dead_air' }, 'dead air'),
    ].filter(Boolean);
    return h(
      'li',
      { 'data-turn': t.turn },
      h(
        'p',
        { class: 'turn-head' },
        h('strong', {}, `Turn ${t.turn}`),
        ` at ${num(t.at_ms / 1000, ' s')} · heard `,
        h('span', { 'data-field': 'heard', 'data-value': t.heard_silence_ms ?? '' }, ms(t.heard_silence_ms)),
        // With the phone leg measured (RTCP): what the caller waited, round trip and jitter added.
        ...(typeof t.caller_ear_ms === 'number'
          ? [
              " · at the caller's ear ",
              h('span', { 'data-field': 'caller-ear', 'data-value': t.caller_ear_ms }, ms(t.caller_ear_ms)),
            ]
          : []),
        ...marks,
      ),
      bar,
      h(
        'p',
        { class: 'turn-parts' },
        parts.length === 0
          ? 'segments not reported'
          : parts.flatMap(([k, label], i) => [
              i > 0 ? ' + ' : '',
              h('span', { class: `key seg-${k}`, 'aria-hidden': 'true' }),
              h('span', { 'data-segment': k, 'data-value': t.segments[k] }, `${label} ${ms(t.segments[k])}`),
            ]),
      ),
      ...turnDetails(t),
    );
  });
  fill('call-turns', rows);
}

window.sidetoneViews = {
  ...window.sidetoneViews,
  agent: (c) => {
    renderAgent(c);
    renderTurns(c);
  },
};
