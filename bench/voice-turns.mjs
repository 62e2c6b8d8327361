// A voice-agent turn with every stage's instant, the bus a sidecar would run it through, and the
// steady-state allocation check of issue 36 (0 GCs a turn), run in fresh processes: imported by
// events.bench.mjs; run directly (node --expose-gc bench/voice-turns.mjs) it is one such process.
import { execFile } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The heard silence split into its segments, each observed, with the agent and model labels. */
export function voiceTurn(k) {
  const t = 1_787_320_800_000 + k * 10_000;
  return {
    type: 'voiceai.turn',
    callId: `call-${k}@pbx.example`,
    turn: k + 1,
    agent: 'support-bot',
    model: 'gpt-4.1-mini',
    userStartedAt: t,
    userStoppedAt: t + 1700,
    sttFinalAt: t + 2036,
    endOfTurnAt: t + 2062,
    llmStartedAt: t + 2062,
    llmFirstTokenAt: t + 2474 + (k % 7) * 31,
    llmDoneAt: t + 2900,
    ttsStartedAt: t + 2592,
    ttsFirstByteAt: t + 2779 + (k % 5) * 17,
    ttsFirstAudibleAt: t + 2790,
    agentStartedAt: t + 2805 + (k % 11) * 23,
    agentStoppedAt: t + 6100,
  };
}
export const turns = Array.from({ length: 64 }, (_, k) => voiceTurn(k));
/**
 * The bus, from sidetone's modules `m` (Registry, EventBus, instrument): passed in, so that the
 * events floor's process can take the turns from here without loading sidetone (bench/events.bench.mjs).
 */
export function voiceBus(m) {
  const registry = new m.Registry();
  const bus = new m.EventBus({ registry });
  m.instrument(bus, registry, { packs: 'all', agents: ['support-bot'], models: ['gpt-4.1-mini'] });
  return bus;
}

/**
 * Young GCs of the last of `rounds` passes of `n` held turns through one bus: the earlier passes
 * let V8 compile the loop, so the last one is the steady state.
 */
async function lastRoundGcs(rounds = 3, n = 2_000_000) {
  const bus = voiceBus({
    ...(await import('../dist/events/bus.js')),
    ...(await import('../dist/metrics/index.js')),
    ...(await import('../dist/telephony/index.js')),
  });
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    await new Promise((res) => setTimeout(res, 20));
    gcs = 0;
    for (let k = 0; k < n; k++) bus.emit(turns[k & 63]);
    await new Promise((res) => setTimeout(res, 20));
  }
  obs.disconnect();
  return gcs;
}

/** The steady-state GCs of `processes` fresh processes, one after another. */
export async function steadyTurnGcs(processes) {
  const out = [];
  for (let p = 0; p < processes; p++) {
    const stdout = await new Promise((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], (err, text) =>
        err ? reject(err) : resolve(text),
      ),
    );
    out.push(Number(stdout.trim()));
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${await lastRoundGcs()}\n`);
