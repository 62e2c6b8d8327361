/**
 * "Problems now" against the shipped alerts (issue 52): every alert of alertRules() is judged by
 * the console (from the live state, the store, or the page itself) or listed as not judged with
 * the reason; each judged one is shown holding just past the rule's threshold, with the rule's
 * severity, and not holding at the threshold (the rules compare strictly: `> 120`, `< -100`…).
 * Before, the strip knew 12 of the 22 alerts: SidetoneVoiceAgentSlow fired on the slow-LLM demo
 * while the strip said "Nothing wrong now".
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConsoleData } from '../../src/analytics/console.js';
import {
  consoleProblems,
  type HumanConnectLive,
  type LiveState,
  PROBLEM_COVERAGE,
  type VoiceAgentLive,
} from '../../src/analytics/problems.js';
import { alertRules } from '../../src/rules/alerts.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import type { CallStore, SmsRecord } from '../../src/store/types.js';

const S = ALERT_DEFAULTS;
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const RECENT_FROM = NOW - 15 * 60_000;

const quietSelf: LiveState['self'] = {
  ready: true,
  heartbeatAgeSeconds: 1,
  hepFailing: false,
  redacted: {},
  overflow: {},
  scrapeP99Seconds: 0.01,
};
const modem = {
  modem: 'modem0',
  connected: true,
  registered: true,
  signalDbm: -70,
  rsrpDbm: null,
  reconnects: 0,
  flapping: false,
};
const agent = (o: Partial<VoiceAgentLive>): VoiceAgentLive => ({
  agent: 'support-bot',
  turns: S.voice_min_turns,
  silenceP50Ms: 1000,
  silenceP95Ms: 1500,
  slowestSegment: null,
  deadAirWindowTurns: S.voice_min_turns,
  deadAirTurns: 0,
  deadAirRatio: 0,
  interruptions: {},
  ...o,
});

/** The human-connect window: `human` of `attempts`, `verdicts` in all (the rest voicemail). */
const connect = (human: number, attempts: number, verdicts: number): HumanConnectLive => ({
  windowMinutes: 10,
  human,
  attempts,
  verdicts,
  byCategory: { human, 'machine-vm': verdicts - human },
  rate: attempts > 0 ? human / attempts : null,
});

/** What the store holds in a case: stats by window (recent 15 min, or the day) and the SMS of the window. */
interface StoreCase {
  recent?: Partial<Stats>;
  day?: Partial<Stats>;
  sms?: Array<Partial<SmsRecord>>;
}
interface Stats {
  finished: number;
  answered: number;
  networkEffective: number;
  mosAvg: number | null;
  mediaCount: number;
}
interface Case {
  live?: Partial<LiveState>;
  self?: Partial<LiveState['self']>;
  data?: Partial<ConsoleData>;
  store?: StoreCase;
}

const trunkA = {
  trunks: [{ trunk: 'a', calls: 0, attempts: 0, kpis: {} }],
} as unknown as Partial<ConsoleData>;
/** A trunk's 15 minutes against its day: `kpi` recent vs day, percent of 100 attempts. */
const drop = (kpi: 'answered' | 'networkEffective', recent: number, day: number): Case => ({
  data: trunkA,
  store: {
    recent: { finished: 100, answered: 100, networkEffective: 100, [kpi]: recent },
    day: { finished: 100, answered: 100, networkEffective: 100, [kpi]: day },
  },
});
const outbound = (status: SmsRecord['status'], failureReason: SmsRecord['failureReason']) => ({
  direction: 'outbound' as const,
  status,
  failureReason,
  deliveredAt: status === 'delivered' ? NOW - 1000 : null,
  failedAt: null,
});

/** Per judged alert: a state just past the rule's threshold, and one at it (or just short). */
const CASES: Record<string, { holds: Case; miss: Case }> = {
  SidetoneNotReady: { holds: { self: { ready: false } }, miss: { self: { ready: true } } },
  SidetoneSourceSilent: {
    holds: { self: { heartbeatAgeSeconds: S.heartbeat_max_age_seconds + 0.1 } },
    miss: { self: { heartbeatAgeSeconds: S.heartbeat_max_age_seconds } },
  },
  SidetoneSourceDown: { holds: { self: { hepFailing: true } }, miss: { self: { hepFailing: false } } },
  SidetoneModemDisconnected: {
    holds: { live: { modems: [{ ...modem, connected: false }] } },
    miss: { live: { modems: [modem] } },
  },
  // The rule asks for connected: a disconnected modem is SidetoneModemDisconnected only.
  SidetoneModemUnregistered: {
    holds: { live: { modems: [{ ...modem, registered: false }] } },
    miss: { live: { modems: [{ ...modem, connected: false, registered: false }] } },
  },
  SidetoneModemFlapping: {
    holds: { live: { modems: [{ ...modem, flapping: true, reconnects: 3 }] } },
    miss: { live: { modems: [{ ...modem, reconnects: 3 }] } },
  },
  SidetoneModemSignalWeak: {
    holds: { live: { modems: [{ ...modem, signalDbm: S.signal_min_dbm - 1 }] } },
    miss: { live: { modems: [{ ...modem, signalDbm: S.signal_min_dbm }] } },
  },
  SidetoneSmsSendFailures: {
    // 2 refused of 19 (10.5 %) against 2 of 20 (10 %, not above 0.1).
    holds: {
      store: {
        sms: [...Array(17).fill(outbound('delivered', null)), ...Array(2).fill(outbound('failed', 'modem'))],
      },
    },
    miss: {
      store: {
        sms: [...Array(18).fill(outbound('delivered', null)), ...Array(2).fill(outbound('failed', 'modem'))],
      },
    },
  },
  SidetoneSmsDeliveryReportsStalled: {
    holds: { data: { sms: { oldestAwaitingSeconds: S.sms_pending_max_seconds + 1 } as ConsoleData['sms'] } },
    miss: { data: { sms: { oldestAwaitingSeconds: S.sms_pending_max_seconds } as ConsoleData['sms'] } },
  },
  SidetoneTrunkDown: {
    holds: { live: { trunks: [{ trunk: 'a', up: false, optionsRttMs: null }] } },
    miss: { live: { trunks: [{ trunk: 'a', up: null, optionsRttMs: null }] } },
  },
  SidetoneTrunkAsrDrop: {
    holds: drop('answered', 50 - S.asr_drop_points - 1, 50),
    miss: drop('answered', 50 - S.asr_drop_points, 50),
  },
  SidetoneTrunkNerDrop: {
    holds: drop('networkEffective', 90 - S.ner_drop_points - 1, 90),
    miss: drop('networkEffective', 90 - S.ner_drop_points, 90),
  },
  // Judged by src/analytics/health.ts (its own tests hold the threshold); the strip names it.
  SidetoneTrunkNerLow: {
    holds: {
      data: {
        health: { warnings: [{ code: 'low_ner', trunk: 'a', message: 'NER low' }] },
      } as unknown as Partial<ConsoleData>,
    },
    miss: {},
  },
  SidetoneMosLow: {
    holds: { store: { recent: { mosAvg: S.mos_min - 0.01, mediaCount: 3 } } },
    miss: { store: { recent: { mosAvg: S.mos_min, mediaCount: 3 } } },
  },
  SidetoneZombieCalls: {
    holds: {
      data: {
        health: { warnings: [{ code: 'zombie_calls', message: '1 zombie' }] },
      } as unknown as Partial<ConsoleData>,
    },
    miss: {},
  },
  SidetoneVoiceAgentSlow: {
    holds: { live: { voice: [agent({ silenceP95Ms: S.voice_silence_p95_seconds * 1000 + 1 })] } },
    miss: {
      live: {
        voice: [
          agent({ silenceP95Ms: S.voice_silence_p95_seconds * 1000 }),
          agent({ agent: 'few', turns: S.voice_min_turns - 1, silenceP95Ms: 9000 }),
        ],
      },
    },
  },
  SidetoneVoiceAgentDeadAir: {
    holds: { live: { voice: [agent({ deadAirTurns: 3, deadAirRatio: S.voice_dead_air_ratio + 0.01 })] } },
    miss: {
      live: {
        voice: [
          agent({ deadAirTurns: 2, deadAirRatio: S.voice_dead_air_ratio }),
          agent({ agent: 'few', deadAirWindowTurns: S.voice_min_turns - 1, deadAirRatio: 1 }),
        ],
      },
    },
  },
  // 9 of 100 outbound attempts answered by a person (9 %) against 10 of 100 (10 %, not below 0.1).
  SidetoneHumanConnectLow: {
    holds: { live: { humanConnect: connect(9, 100, 60) } },
    miss: { live: { humanConnect: connect(10, 100, 60) } },
  },
  SidetonePiiRedacted: {
    holds: { self: { redacted: { sidetone_calls_total: 1 } } },
    miss: { self: { redacted: {} } },
  },
  SidetoneSeriesOverflow: {
    holds: { self: { overflow: { sidetone_calls_total: 1 } } },
    miss: { self: { overflow: {} } },
  },
  SidetoneScrapeSlow: {
    holds: { self: { scrapeP99Seconds: S.scrape_slow_seconds + 0.001 } },
    miss: { self: { scrapeP99Seconds: S.scrape_slow_seconds } },
  },
};

function storeOf(c: StoreCase | undefined): CallStore {
  const zero: Stats = { finished: 0, answered: 0, networkEffective: 0, mosAvg: null, mediaCount: 0 };
  const stats = (q: { from: number; trunk?: string }) => {
    const s = q.from >= RECENT_FROM ? c?.recent : q.trunk === undefined ? undefined : c?.day;
    // Drops are judged per direction: the case's trunk calls are outbound only.
    const dir = (q as { direction?: string }).direction;
    const base = { ...zero, ...s };
    const none = q.trunk !== undefined && dir === 'inbound';
    return {
      ...(none ? zero : base),
      sipAttempts: 0,
      sipRedirected: 0,
      sipAnswered: 0,
      sipEffective: 0,
      sipIneffective: 0,
    };
  };
  return {
    stats: async (q: { from: number; trunk?: string }) => stats(q),
    iterateSms: async function* () {
      for (const m of c?.sms ?? []) yield m;
    },
  } as unknown as CallStore;
}

async function judge(c: Case) {
  const data = {
    generatedAt: NOW,
    health: { warnings: [] },
    trunks: [],
    sms: { oldestAwaitingSeconds: null },
    ...c.data,
  } as unknown as ConsoleData;
  const live: LiveState = {
    trunks: [],
    modems: [],
    voiceAi: [],
    voice: [],
    ...c.live,
    self: { ...quietSelf, ...c.self },
  };
  return consoleProblems(storeOf(c.store), data, live, S);
}

describe('Problems now covers every shipped alert', () => {
  const rules = alertRules(S);

  it('every alert of alertRules() is judged by the console or listed as not judged, with the reason', () => {
    expect(Object.keys(PROBLEM_COVERAGE).sort()).toEqual(rules.map((r) => r.alert).sort());
    for (const [alert, how] of Object.entries(PROBLEM_COVERAGE))
      if ('notJudged' in how) expect(how.notJudged.length, alert).toBeGreaterThan(40);
  });

  it('nothing listed on a quiet state', async () => {
    expect(await judge({})).toEqual([]);
  });

  const judged = rules.filter((r) => {
    const how = PROBLEM_COVERAGE[r.alert];
    return how !== undefined && 'judged' in how && how.judged !== 'page';
  });
  it.each(
    judged.map((r) => [r.alert, r.severity] as const),
  )('%s: listed past the threshold with severity %s, not at it', async (alert, severity) => {
    const c = CASES[alert];
    expect(c, `no case for ${alert}: add one`).toBeDefined();
    const holds = await judge(c!.holds);
    expect(holds.map((p) => p.alert)).toEqual([alert]);
    expect(holds[0]).toMatchObject({ severity, runbook: `${S.runbook_url}#${alert.toLowerCase()}` });
    expect((await judge(c!.miss)).map((p) => p.alert)).not.toContain(alert);
  });

  it('SidetoneHumanConnectLow as its rule guards it: no verdict in the window (no campaign), or fewer outbound attempts than kpi_min_attempts, is not listed; the message names what the detector found', async () => {
    const listed = async (h: HumanConnectLive) =>
      (await judge({ live: { humanConnect: h } })).filter((p) => p.alert === 'SidetoneHumanConnectLow');
    expect(await listed(connect(0, 100, 0))).toEqual([]);
    expect(await listed(connect(0, S.kpi_min_attempts - 1, 10))).toEqual([]);
    const [p] = await listed({
      ...connect(1, S.kpi_min_attempts, 12),
      byCategory: { human: 1, 'machine-ivr': 3, 'machine-vm': 8 },
    });
    expect(p).toMatchObject({ panel: 'voice', severity: 'warning' });
    expect(p?.message).toBe(
      `a person answered 5% of outbound call attempts over 10 min (1 of ${S.kpi_min_attempts}; limit 10%): the detector found machine-vm 8, machine-ivr 3`,
    );
  });

  it('the alerts the page judges itself are in its script (a sidecar that does not answer)', () => {
    const script = readFileSync(new URL('../../assets/console/console.js', import.meta.url), 'utf8');
    for (const [alert, how] of Object.entries(PROBLEM_COVERAGE))
      if ('judged' in how && how.judged === 'page') expect(script).toContain(`'data-alert': '${alert}'`);
  });
});
