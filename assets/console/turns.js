// The call page's voice-agent half: the turn summary the store keeps on the call row (issue 36,
// GET /metrics/calls/:id `agent_*`), beside the SIP outcome and media. Loaded before console.js;
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

window.sidetoneViews = { ...window.sidetoneViews, agent: renderAgent };
