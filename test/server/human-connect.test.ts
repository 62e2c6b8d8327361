/**
 * Outbound calls' human-connect rate (issue 52) on the console and `sidetone dashboard`: answering
 * machine verdicts `human` over outbound call attempts, over the 10 minutes its recording rule
 * `instance:sidetone_voiceai_human_connect:ratio_rate10m` reads (3/10 in its promtool test).
 */
import { describe, expect, it } from 'vitest';
import { renderVoice } from '../../src/cli/commands/dashboard.js';
import { styleFor } from '../../src/cli/output.js';
import { Registry } from '../../src/metrics/index.js';
import { voiceRecordingRules } from '../../src/rules/voice.js';
import { consoleWindows, humanConnectLive, voiceView } from '../../src/server/console-voice.js';

const MIN = 60_000;

function registry() {
  const r = new Registry({ prefix: 'sidetone' });
  return {
    r,
    amd: r.counter({ name: 'sidetone_voiceai_amd_results_total', help: 'a', labels: ['agent', 'category'] }),
    attempts: r.counter({
      name: 'sidetone_call_attempts_total',
      help: 'c',
      labels: ['direction', 'channel', 'trunk'],
    }),
  };
}

describe('human-connect rate', () => {
  it('3 human verdicts of 10 outbound attempts (inbound ones and machines not counted): 30 %', () => {
    const v = registry();
    const w = consoleWindows(v.r, 'sidetone', () => 0);
    v.attempts.labels({ direction: 'outbound', channel: 'sip', trunk: 'a' }).inc(10);
    v.attempts.labels({ direction: 'inbound', channel: 'sip', trunk: 'a' }).inc(7);
    v.amd.labels({ agent: 'dialer', category: 'human' }).inc(3);
    v.amd.labels({ agent: 'dialer', category: 'machine-vm' }).inc(5);
    const h = humanConnectLive(w);
    expect(h).toEqual({
      windowMinutes: 10,
      human: 3,
      attempts: 10,
      verdicts: 8,
      byCategory: { human: 3, 'machine-vm': 5 },
      rate: 0.3,
    });
    const text = renderVoice(voiceView([], h), styleFor({ isTTY: false }, {}));
    expect(text).toContain('Human connect (outbound, last 10 min)  30 %  (3 of 10 attempts)');
    expect(text).toContain('Answering-machine verdicts  human 3, machine-vm 5\n');
    // The console reads the window the recording rule does.
    const rule = voiceRecordingRules().find((x) => x.record.includes('human_connect'));
    expect(rule?.expr).toContain('[10m]');
  });

  it('no outbound attempt: no rate (the rule has no sample), not 0', () => {
    const v = registry();
    const w = consoleWindows(v.r, 'sidetone', () => 0);
    expect(humanConnectLive(w).rate).toBeNull();
  });

  it('attempts older than the window leave it', () => {
    const v = registry();
    let now = 0;
    const w = consoleWindows(v.r, 'sidetone', () => now);
    v.attempts.labels({ direction: 'outbound', channel: 'sip', trunk: 'a' }).inc(4);
    v.amd.labels({ agent: 'dialer', category: 'human' }).inc(4);
    for (now = 15_000; now <= 12 * MIN; now += 15_000) w.tick(now);
    now = 12 * MIN;
    v.attempts.labels({ direction: 'outbound', channel: 'sip', trunk: 'a' }).inc(2);
    v.amd.labels({ agent: 'dialer', category: 'human' }).inc(1);
    expect(humanConnectLive(w)).toMatchObject({
      human: 1,
      attempts: 2,
      verdicts: 1,
      byCategory: { human: 1 },
      rate: 0.5,
    });
  });
});
