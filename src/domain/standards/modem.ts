/**
 * 3GPP TS 27.007 AT-command values for GSM/UMTS/LTE/NR modems: signal quality (+CSQ 8.5,
 * +CESQ 8.69), registration (+CREG 7.2, +CGREG 10.1.20, +CEREG 10.1.22, +C5GREG),
 * calls (+CLCC 7.18), USSD (+CUSD 7.15) and access technology (+COPS 7.3). Registration lives in
 * registration.ts (re-exported here).
 *
 * Parsers never throw: a modem line that does not match gives undefined.
 */

export {
  isRegistered,
  parseC5greg,
  parseCereg,
  parseCgreg,
  parseCreg,
  type Registration,
  type RegistrationState,
  registrationState,
} from './registration.js';

/**
 * +CSQ <rssi> -> dBm: -113 + 2i for 0..31 (0 means <= -113, 31 means >= -51); 99 (not known or
 * not detectable) and anything else -> undefined. Allocation-free.
 *
 * @example csqToDbm(18) // -77 ; csqToDbm(99) // undefined
 */
export function csqToDbm(rssi: number): number | undefined {
  if (!Number.isInteger(rssi) || rssi < 0 || rssi > 31) return undefined;
  return -113 + 2 * rssi;
}

// TS 45.008 8.2.4: RXQUAL_n covers a BER band; these are the band's "assumed value" in percent.
const RXQUAL_BER_PERCENT = [0.14, 0.28, 0.57, 1.13, 2.26, 4.53, 9.05, 18.1] as const;

/**
 * +CSQ / +CESQ <ber> (RXQUAL 0..7, TS 45.008 8.2.4) -> assumed bit-error rate in percent.
 * 99 and anything else -> undefined.
 *
 * @example csqBerToPercent(0) // 0.14 ; csqBerToPercent(7) // 18.1
 */
export function csqBerToPercent(ber: number): number | undefined {
  if (!Number.isInteger(ber)) return undefined;
  return RXQUAL_BER_PERCENT[ber];
}

/** Raw +CESQ fields. */
export interface CesqRaw {
  rxlev: number;
  ber: number;
  rscp: number;
  ecno: number;
  rsrq: number;
  rsrp: number;
}

/** +CESQ converted to physical units; undefined where the modem reported "not known". */
export interface CesqValues {
  /** GSM RSSI, dBm (lower edge of the 1 dB bin). */
  rxlevDbm: number | undefined;
  berPercent: number | undefined;
  /** UMTS RSCP, dBm. */
  rscpDbm: number | undefined;
  /** UMTS Ec/No, dB. */
  ecnoDb: number | undefined;
  /** LTE RSRQ, dB. */
  rsrqDb: number | undefined;
  /** LTE RSRP, dBm. */
  rsrpDbm: number | undefined;
}

function bin(v: number, max: number, base: number, step: number): number | undefined {
  if (!Number.isInteger(v) || v < 0 || v > max) return undefined;
  return base + step * v;
}

/**
 * +CESQ (27.007 8.69) to physical values. Each index n names the bin [edge(n), edge(n+1)); the
 * lower edge is returned, and index 0 ("below the first edge") is reported one step below it.
 * rxlev -111+n dBm (0..63, 99 unknown); rscp -121+n dBm (0..96); ecno -24.5+0.5n dB (0..49);
 * rsrq -20+0.5n dB (0..34); rsrp -141+n dBm (0..97); 255 = unknown for the last four.
 *
 * @example cesqToValues({ rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 20, rsrp: 60 }).rsrpDbm // -81
 */
export function cesqToValues(raw: CesqRaw): CesqValues {
  return {
    rxlevDbm: bin(raw.rxlev, 63, -111, 1),
    berPercent: csqBerToPercent(raw.ber),
    rscpDbm: bin(raw.rscp, 96, -121, 1),
    ecnoDb: bin(raw.ecno, 49, -24.5, 0.5),
    rsrqDb: bin(raw.rsrq, 34, -20, 0.5),
    rsrpDbm: bin(raw.rsrp, 97, -141, 1),
  };
}

/** +CLCC <stat> labels (27.007 7.18) in <stat> order, then `unknown`: also the metric label values. */
// biome-ignore format: index = <stat>
export const CLCC_STATES = ['active', 'held', 'dialing', 'alerting', 'incoming', 'waiting', 'unknown'] as const;
export type ClccState = (typeof CLCC_STATES)[number];

/**
 * +CLCC <stat> (27.007 7.18) -> label.
 *
 * @example clccState(0) // 'active' ; clccState(9) // 'unknown'
 */
export function clccState(stat: number): ClccState {
  if (!Number.isInteger(stat)) return 'unknown';
  return CLCC_STATES[stat] ?? 'unknown';
}

/** +CUSD <m> labels (27.007 7.15) in <m> order, then `unknown`: also the metric label values. */
// biome-ignore format: index = <m>
export const CUSD_STATUSES = [
  'no_further_action', 'further_action_required', 'terminated_by_network', // 0..2
  'other_client_responded', 'not_supported', 'network_timeout', // 3..5
  'unknown',
] as const;
export type CusdStatus = (typeof CUSD_STATUSES)[number];

/**
 * +CUSD <m> (27.007 7.15) -> label.
 *
 * @example cusdStatus(2) // 'terminated_by_network'
 */
export function cusdStatus(m: number): CusdStatus {
  if (!Number.isInteger(m)) return 'unknown';
  return CUSD_STATUSES[m] ?? 'unknown';
}

/** Radio generation labels, `unknown` last: also the metric label values. */
export const RATS = ['2g', '3g', '4g', '5g', 'unknown'] as const;
export type Rat = (typeof RATS)[number];

// +COPS <AcT> 0..13: 0 GSM, 1 GSM Compact, 2 UTRAN, 3 GSM w/EGPRS, 4 UTRAN w/HSDPA,
// 5 UTRAN w/HSUPA, 6 UTRAN w/HSDPA and HSUPA, 7 E-UTRAN, 8 EC-GSM-IoT, 9 E-UTRAN (NB-S1),
// 10 E-UTRA connected to 5GCN, 11 NR connected to 5GCN, 12 NG-RAN, 13 E-UTRA-NR dual
// connectivity. 10 is LTE radio (so 4g); 13 (EN-DC, "5G NSA") carries NR, so 5g.
// biome-ignore format: indexed by AcT
const ACT_RAT: readonly Rat[] = ['2g', '2g', '3g', '2g', '3g', '3g', '3g', '4g', '2g', '4g', '4g', '5g', '5g', '5g'];

// Free strings seen in vendor commands (+QNWINFO, +CPSI, ^SYSINFOEX, +COPS long names), after
// upper-casing, turning "+" into "P" (HSPA+ -> HSPAP) and dropping everything but A-Z and 0-9.
// CDMA2000 1x counts as 2g and EV-DO as 3g; LTE-M and NB-IoT are LTE radio, hence 4g; EN-DC /
// NSA carries NR, hence 5g.
const RAT_NAMES: ReadonlyMap<string, Rat> = new Map([
  ...words('2g', '2G GSM GPRS EDGE EGPRS GERAN GSMCOMPACT ECGSMIOT CDMA CDMA1X 1XRTT'),
  ...words('3g', '3G UMTS WCDMA UTRAN HSPA HSDPA HSUPA HSPAP HSPAPLUS DCHSPA DCHSPAP TDSCDMA EVDO HDR'),
  ...words(
    '4g',
    '4G LTE EUTRAN EUTRA FDDLTE TDDLTE LTEM CATM CATM1 EMTC NBIOT CATNB CATNB1 CATNB2 LTEA LTEP',
  ),
  ...words('5g', '5G NR NR5G NR5GSA NR5GNSA NGRAN ENDC NRSA NRNSA 5GSA 5GNSA'),
]);

function words(r: Rat, list: string): Array<[string, Rat]> {
  return list.split(' ').map((w) => [w, r]);
}

/**
 * Access technology -> generation. Accepts a +COPS/+CREG <AcT> number (0..13, or a numeric
 * string) or a free name (`LTE`, `GSM`, `UMTS`, `NR`, `EDGE`, `HSPA+`, `FDD LTE`, `NR5G-NSA`...).
 *
 * @example rat(7) // '4g' ; rat('HSPA+') // '3g' ; rat('NR5G-SA') // '5g'
 */
export function rat(act: number | string | undefined | null): Rat {
  if (typeof act === 'number') return Number.isInteger(act) ? (ACT_RAT[act] ?? 'unknown') : 'unknown';
  if (typeof act !== 'string') return 'unknown';
  const trimmed = act.trim();
  if (/^\d+$/.test(trimmed)) return ACT_RAT[Number(trimmed)] ?? 'unknown';
  const key = trimmed
    .toUpperCase()
    .replace(/\+/g, 'P')
    .replace(/[^A-Z0-9]/g, '');
  return RAT_NAMES.get(key) ?? 'unknown';
}

// Split the parameters of "+CMD: a,b,"c"" (prefix match is case-insensitive, whitespace tolerant).
function params(line: unknown, command: string): string[] | undefined {
  if (typeof line !== 'string') return undefined;
  const m = /^\s*\+([A-Z0-9]+)\s*:\s*(.*?)\s*$/i.exec(line);
  if (m === null || m[1]?.toUpperCase() !== command) return undefined;
  return (m[2] ?? '').split(',').map((p) => p.trim());
}

function int(p: string | undefined): number | undefined {
  return p !== undefined && /^\d+$/.test(p) ? Number(p) : undefined;
}

/** A parsed +CSQ response. */
export interface Csq {
  rssi: number;
  ber: number;
  dbm: number | undefined;
  berPercent: number | undefined;
}

/**
 * Parse `+CSQ: <rssi>,<ber>`.
 *
 * @example parseCsq('+CSQ: 18,99') // { rssi: 18, ber: 99, dbm: -77, berPercent: undefined }
 */
export function parseCsq(line: string): Csq | undefined {
  const p = params(line, 'CSQ');
  if (p === undefined || p.length !== 2) return undefined;
  const rssi = int(p[0]);
  const ber = int(p[1]);
  if (rssi === undefined || ber === undefined) return undefined;
  return { rssi, ber, dbm: csqToDbm(rssi), berPercent: csqBerToPercent(ber) };
}

/**
 * Parse `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>`. Later releases append 5G
 * fields (ss_rsrq, ss_rsrp, ss_sinr); they are accepted and ignored.
 *
 * @example parseCesq('+CESQ: 99,99,255,255,20,60')?.rsrqDb // -10
 */
export function parseCesq(line: string): (CesqRaw & CesqValues) | undefined {
  const p = params(line, 'CESQ');
  if (p === undefined || p.length < 6) return undefined;
  const n = p.slice(0, 6).map(int);
  if (n.some((v) => v === undefined)) return undefined;
  const [rxlev, ber, rscp, ecno, rsrq, rsrp] = n as [number, number, number, number, number, number];
  const raw = { rxlev, ber, rscp, ecno, rsrq, rsrp };
  return { ...raw, ...cesqToValues(raw) };
}
