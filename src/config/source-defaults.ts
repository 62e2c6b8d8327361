/**
 * Defaults and names of the sources that the configuration schema shows too: the configuration
 * owns them and the sources read them (kept free of imports, so the schema does not load the
 * packet path or the simulator).
 */

/**
 * Reorder window by default, ms. Measured with Kamailio 5.6 at children=4 and tcp_children=4
 * proxying sipp over UDP and TCP on this project's 2-core test machines under load: see
 * docs/sources/hep.md, "Arrival order".
 */
export const HEP_REORDER_WINDOW_MS = 200;

/**
 * How long (ms of receipt time) a call whose first INVITE matched no trunk rule waits for a copy
 * that does, when trunk rules are configured (sources/hep/route-wait.ts). It is cut short by any
 * reply but 100, so only calls that ring later than this wait it whole: a proxy's DNS lookup of a
 * trunk (RFC 3263) can take a second, and stop 58's Kamailio forwarded one INVITE over 200 ms late.
 */
export const HEP_ROUTE_WAIT_MS = 2000;

/** A capture timestamp further than this from the time of receipt is clamped to it (and counted), ms. */
export const HEP_MAX_CLOCK_SKEW_MS = 300_000;

/**
 * Share of answered calls whose SIP flow (`sip.flow`) is kept by default; failed calls always are.
 * One in ten gives a working ladder to compare a failure with, at ~1.5 KB a kept call.
 */
export const FLOW_SAMPLE = 0.1;

/**
 * Fault scenarios for `sidetone demo --scenario NAME`: each one trips one family of alerts
 * (src/sources/simulator/faults.ts).
 */
export const SCENARIO_NAMES = [
  'trunk-outage',
  'modem-flap',
  'sms-delivery-stall',
  'signal-drop',
  'leaky-app',
  'voice-agent-slow-llm',
  'answering-machine',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
