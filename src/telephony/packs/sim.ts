import { APDU_INS, APDU_INS_NAMES, BIP_BEARER_LABELS, BIP_EVENTS, SW_CLASSES } from '../../domain/labels.js';
import {
  SIM_APDU_ERRORS,
  SIM_PROTOCOLS,
  SIM_SESSION_KINDS,
  SIM_SESSION_RESULTS,
} from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';

const insEnum = new Enum(APDU_INS_NAMES);
const swEnum = new Enum(SW_CLASSES);
/** INS byte -> label index, for all 256 bytes (unlisted ones are `other`). */
const INS_INDEX = Int8Array.from({ length: 256 }, (_, b) => insEnum.of(APDU_INS.get(b)));
const OTHER_INS = insEnum.of(undefined);
/** SW1 -> class index; 0x90 only for 9000 exactly (see swClassIndex). */
const SW1_INDEX = Int8Array.from({ length: 256 }, (_, sw1) =>
  swEnum.of(sw1 === 0x90 ? undefined : `${sw1.toString(16).toUpperCase().padStart(2, '0')}xx`),
);

/**
 * Status word -> class label index (ISO/IEC 7816-4 5.6): `9000`, `61xx`, `6Axx`, ... Allocation-free.
 * @example SW_CLASSES[swClassIndex(0x6a82)] // '6Axx'
 */
export function swClassIndex(sw: number): number {
  if (sw === 0x9000) return swEnum.of('9000');
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) return swEnum.other;
  return SW1_INDEX[sw >> 8] as number;
}

/** Status word given as a number or four hex digits. */
export function parseSw(sw: number | string): number {
  return typeof sw === 'number' ? sw : Number.parseInt(sw, 16);
}

export interface SimPack extends PackBase {
  /** One APDU exchange. Hot path: no allocation. */
  apdu(ins: number, sw: number, seconds?: number, commandBytes?: number, responseBytes?: number): void;
}

/**
 * SIM / OTA test benches (CardLink-style): APDU commands by INS name, responses by status-word
 * class, APDU latency and bytes, sessions by kind/transport/result with duration, BIP channels
 * and bytes (TS 102 223), TLS handshakes. ICCIDs, MSISDNs and APDU bodies are never read into a label.
 * @example
 * const sim = simPack(registry);
 * sim.apdu(0xa4, 0x9000, 0.012, 7, 2); // SELECT answered 9000
 */
export function simPack(registry: Registry, options: PackOptions = {}): SimPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'sim');
  const kinds = new Enum(SIM_SESSION_KINDS);
  const protocols = new Enum(SIM_PROTOCOLS);
  const results = new Enum(SIM_SESSION_RESULTS);
  const bipEvents = new Enum(BIP_EVENTS);
  const commands = m.counter('sim_apdu_commands_total');
  const responses = m.counter('sim_apdu_responses_total');
  const latency = m.histogram('sim_apdu_seconds');
  const bytes = m.counter('sim_apdu_bytes_total');
  const apduErrors = m.counter('sim_apdu_errors_total');
  const apduErrorKinds = new Enum(SIM_APDU_ERRORS);
  const commandBytesTotal = bytes.at(0);
  const responseBytesTotal = bytes.at(1);
  const sessions = m.counter('sim_sessions_total');
  const activeSessions = m.gauge('sim_sessions_active');
  // Per kind, never below zero: a session that ends without a start event (an older app) is not
  // allowed to make the gauge negative.
  const open = new Int32Array(SIM_SESSION_KINDS.length + 1);
  const bipLifetime = m.histogram('sim_bip_connection_seconds').at();
  const sessionSeconds = m.histogram('sim_session_seconds');
  const bip = m.counter('sim_bip_channel_events_total');
  const bearers = new Enum(BIP_BEARER_LABELS);
  const UNKNOWN_BEARER = bearers.of('unknown');
  const bipActive = m.gauge('sim_bip_connections_active');
  // Open channels per bearer (never below zero), and the bearer each channel id was opened on, so
  // a CLOSE CHANNEL that does not repeat it is counted off the right one. Ids are 1..7 (TS 102 223).
  const bipOpen = new Int32Array(BIP_BEARER_LABELS.length + 1);
  const channelBearer = new Int8Array(8).fill(-1);
  const bipBytes = m.counter('sim_bip_bytes_total');
  const tls = m.counter('sim_tls_handshakes_total');
  const tlsSeconds = m.histogram('sim_tls_handshake_seconds').at();

  function session(e: EventOf<'sim.session'>): void {
    const k = kinds.of(e.kind);
    sessions.at(k, protocols.of(e.protocol), results.of(e.result)).inc();
    if ((open[k] as number) > 0) {
      open[k] = (open[k] as number) - 1;
      activeSessions.at(k).set(open[k] as number);
    }
    if (e.durationSeconds !== undefined) sessionSeconds.at(k).observe(e.durationSeconds);
  }

  const pack: SimPack = {
    name: 'sim',
    apdu(ins, sw, seconds, commandBytes, responseBytes) {
      const i = Number.isInteger(ins) && ins >= 0 && ins <= 255 ? (INS_INDEX[ins] as number) : insEnum.other;
      commands.at(i).inc();
      responses.at(swClassIndex(sw)).inc();
      if (seconds !== undefined) latency.at(i).observe(seconds);
      if (commandBytes !== undefined) commandBytesTotal.inc(commandBytes);
      if (responseBytes !== undefined) responseBytesTotal.inc(responseBytes);
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('sim.apdu', (e) =>
          pack.apdu(e.ins, parseSw(e.sw), e.seconds, e.commandBytes, e.responseBytes),
        ),
        // No INS given: counted under `other`, like an INS byte outside the TS 102 221 list.
        bus.on('sim.apdu_error', (e) =>
          apduErrors
            .at(e.ins === undefined ? OTHER_INS : (INS_INDEX[e.ins] as number), apduErrorKinds.of(e.error))
            .inc(),
        ),
        bus.on('sim.session_started', (e) => {
          const k = kinds.of(e.kind);
          open[k] = (open[k] as number) + 1;
          activeSessions.at(k).set(open[k] as number);
        }),
        bus.on('sim.session', session),
        bus.on('sim.bip_opened', (e) => {
          bip.at(bipEvents.of(e.ok ? 'opened' : 'open_failed')).inc();
          if (!e.ok) return;
          const b = e.bearer === undefined ? UNKNOWN_BEARER : bearers.of(e.bearer);
          if (e.channel !== undefined) channelBearer[e.channel] = b;
          bipOpen[b] = (bipOpen[b] as number) + 1;
          bipActive.at(b).set(bipOpen[b] as number);
        }),
        bus.on('sim.bip_closed', (e) => {
          bip.at(bipEvents.of('closed')).inc();
          const opened = e.channel === undefined ? -1 : (channelBearer[e.channel] as number);
          if (e.channel !== undefined) channelBearer[e.channel] = -1;
          const b = e.bearer !== undefined ? bearers.of(e.bearer) : opened >= 0 ? opened : UNKNOWN_BEARER;
          if ((bipOpen[b] as number) > 0) {
            bipOpen[b] = (bipOpen[b] as number) - 1;
            bipActive.at(b).set(bipOpen[b] as number);
          }
          if (e.bytesSent !== undefined) bipBytes.at(0).inc(e.bytesSent);
          if (e.bytesReceived !== undefined) bipBytes.at(1).inc(e.bytesReceived);
          if (e.durationSeconds !== undefined) bipLifetime.observe(e.durationSeconds);
        }),
        bus.on('sim.tls_handshake', (e) => {
          tls.at(e.result === 'success' ? 0 : 1).inc();
          if (e.seconds !== undefined) tlsSeconds.observe(e.seconds);
        }),
      ]),
  };
  return pack;
}
