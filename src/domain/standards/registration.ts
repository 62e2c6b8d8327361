/**
 * 3GPP TS 27.007 network registration across the four domains a modem reports separately: CS
 * (+CREG, 7.2), PS (+CGREG, 10.1.20), EPS (+CEREG, 10.1.22) and 5GS (+C5GREG, 10.1.47), their
 * `<stat>` and `<AcT>` values, and how they combine into one state. Parsers never throw.
 */

/** The domains, in the order consolidation prefers them (ModemManager's order: CS, PS, EPS, 5GS). */
export const REGISTRATION_DOMAINS = ['cs', 'ps', 'eps', '5gs'] as const;
export type RegistrationDomain = (typeof REGISTRATION_DOMAINS)[number];

/** The read command of each domain, in {@link REGISTRATION_DOMAINS} order. */
export const DOMAIN_COMMANDS = ['CREG', 'CGREG', 'CEREG', 'C5GREG'] as const;

// The label of each <stat>, the metric label values too (../labels.ts). Index = <stat> (27.007 7.2 table; +CGREG/+CEREG/+C5GREG use the same values). 6, 7, 9, 10 are
// defined for E-UTRAN-capable CS registration ("not applicable" in +CEREG), 8 is "attached for
// emergency bearer services only", 11 "attached for access to RLOS" (restricted local operator
// services). A value defined for another domain is still a known value (ModemManager accepts 0..11
// on every domain); anything above 11 is not defined and reads as unknown.
// biome-ignore format: one row per group of stat values keeps the index visible
export const REGISTRATION_STATES = [
  'not_registered', 'home', 'searching', 'denied', 'unknown', 'roaming', // 0..5
  'sms_only_home', 'sms_only_roaming', 'emergency_only', // 6..8
  'csfb_not_preferred_home', 'csfb_not_preferred_roaming', 'rlos', // 9..11
] as const;

/** Registration state label, bounded (27.007 <stat> 0..11; out of range reads as `unknown`). */
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/** `<stat>` 4 (unknown): what every value outside 0..11 is taken as. */
export const STAT_UNKNOWN = 4;

/**
 * +CREG/+CGREG/+CEREG/+C5GREG <stat> -> bounded label; out of range -> `unknown` (which is
 * also what stat 4 means).
 *
 * @example registrationState(5) // 'roaming' ; registrationState(42) // 'unknown'
 */
export function registrationState(stat: number): RegistrationState {
  if (!Number.isInteger(stat)) return 'unknown';
  return REGISTRATION_STATES[stat] ?? 'unknown';
}

/**
 * True when the modem can carry traffic: home or roaming, including "SMS only" (6, 7: exactly
 * what an SMS gateway needs) and "CSFB not preferred" (9, 10: full registrations where only
 * circuit-switched fallback is deprioritised). Emergency-only (8) and RLOS (11) are not.
 *
 * @example isRegistered(1) // true ; isRegistered(8) // false
 */
export function isRegistered(stat: number): boolean {
  return stat === 1 || stat === 5 || stat === 6 || stat === 7 || stat === 9 || stat === 10;
}

/**
 * One state from the last `<stat>` of each domain (`-1` = never reported, or its query failed:
 * such a domain takes no part), as ModemManager consolidates them (mm-iface-modem-3gpp.c
 * `get_consolidated_reg_state`), first match wins:
 * 1. a domain registered home or roaming, CS first, then PS, EPS, 5GS;
 * 2. a registration with restrictions (SMS only, CSFB not preferred) on any domain (ModemManager
 *    takes these from CS only; 27.007 defines them as registrations whichever domain says so);
 * 3. any domain searching; 4. denied, when no domain is better than idle/unknown/denied;
 * 5. emergency only; 6. RLOS; 7. any domain idle (0); 8. unknown.
 * So one domain's ERROR, "not registered" or "unknown" never overrides another's registration:
 * an LTE module camped on 3G (`+CREG: 2,5,..,2` with `+CEREG: 2,0`) is roaming, whatever order
 * the queries ran in. Reads `stats[from..to)` (one modem's domains in a flat array); returns the
 * domain index (from `from`) the state comes from, or -1 when none reported. Allocation-free.
 *
 * @example consolidate([5, 0, 0, -1]) // 0 (CS: roaming)
 */
export function consolidate(stats: ArrayLike<number>, from = 0, to = stats.length): number {
  const n = to - from;
  const at = (d: number) => stats[from + d] as number;
  for (let d = 0; d < n; d++) if (at(d) === 1 || at(d) === 5) return d;
  for (let d = 0; d < n; d++) if (isRegistered(at(d))) return d;
  for (let d = 0; d < n; d++) if (at(d) === 2) return d;
  let denied = -1;
  let emergency = -1;
  let rlos = -1;
  let idle = -1;
  let unknown = -1;
  for (let d = 0; d < n; d++) {
    const s = at(d);
    if (s === 3 && denied < 0) denied = d;
    else if (s === 8 && emergency < 0) emergency = d;
    else if (s === 11 && rlos < 0) rlos = d;
    else if (s === 0 && idle < 0) idle = d;
    else if (s >= 0 && unknown < 0) unknown = d;
  }
  if (denied >= 0 && emergency < 0 && rlos < 0) return denied;
  if (emergency >= 0) return emergency;
  if (rlos >= 0) return rlos;
  if (idle >= 0) return idle;
  return unknown;
}

/**
 * Access technologies as ModemManager names them (MMModemAccessTechnology nicks, `_` for `-`):
 * what +COPS/+CREG `<AcT>` or a vendor's system mode says the modem is on. `lte_5gnr` is E-UTRA-NR
 * dual connectivity (EN-DC, "5G NSA").
 */
// biome-ignore format: one line per generation
export const ACCESS_TECHNOLOGIES = [
  'gsm', 'gsm_compact', 'gprs', 'edge',
  'umts', 'hsdpa', 'hsupa', 'hspa', 'hspa_plus',
  'lte', 'lte_nb_iot',
  '5gnr', 'lte_5gnr',
  'unknown',
] as const;
export type AccessTechnology = (typeof ACCESS_TECHNOLOGIES)[number];

// 27.007 7.3 <AcT>: 0 GSM, 1 GSM Compact, 2 UTRAN, 3 GSM w/EGPRS, 4 UTRAN w/HSDPA, 5 UTRAN w/HSUPA,
// 6 UTRAN w/HSDPA and HSUPA, 7 E-UTRAN, 8 EC-GSM-IoT (A/Gb mode), 9 E-UTRAN (NB-S1 mode),
// 10 E-UTRA connected to a 5GCN, 11 NR connected to a 5GCN, 12 NG-RAN, 13 E-UTRA-NR dual
// connectivity. Mapped as ModemManager does (get_mm_access_tech_from_etsi_access_tech).
// biome-ignore format: indexed by AcT
const ACT_TECH: readonly AccessTechnology[] = [
  'gsm', 'gsm_compact', 'umts', 'edge', 'hsdpa', 'hsupa', 'hspa', 'lte', 'gsm', 'lte_nb_iot', 'lte', '5gnr', '5gnr', 'lte_5gnr',
];

// Vendor system-mode names (Quectel +QENG/+QNWINFO, SIMCom +CPSI, Huawei ^HCSQ/^SYSINFOEX,
// Cinterion ^SMONI), upper-cased with everything but A-Z, 0-9 and + dropped.
const TECH_NAMES: ReadonlyMap<string, AccessTechnology> = new Map<string, AccessTechnology>([
  ['GSM', 'gsm'],
  ['2G', 'gsm'],
  ['GPRS', 'gprs'],
  ['EDGE', 'edge'],
  ['EGPRS', 'edge'],
  ['WCDMA', 'umts'],
  ['UMTS', 'umts'],
  ['3G', 'umts'],
  ['TDSCDMA', 'umts'],
  ['HSDPA', 'hsdpa'],
  ['HSUPA', 'hsupa'],
  ['HSPA', 'hspa'],
  ['HSPA+', 'hspa_plus'],
  ['LTE', 'lte'],
  ['4G', 'lte'],
  ['FDDLTE', 'lte'],
  ['TDDLTE', 'lte'],
  ['EMTC', 'lte'],
  ['CATM', 'lte'],
  ['CATM1', 'lte'],
  ['LTECATM1', 'lte'],
  ['NBIOT', 'lte_nb_iot'],
  ['LTENBIOT', 'lte_nb_iot'],
  ['CATNB1', 'lte_nb_iot'],
  ['NR5GSA', '5gnr'],
  ['NR', '5gnr'],
  ['5G', '5gnr'],
  ['NR5GNSA', 'lte_5gnr'],
  ['ENDC', 'lte_5gnr'],
]);

/**
 * `<AcT>` (0..13), a vendor system-mode name, or one of {@link ACCESS_TECHNOLOGIES} itself ->
 * access technology; anything else `unknown`.
 *
 * @example accessTechnology(2) // 'umts' ; accessTechnology('NR5G-NSA') // 'lte_5gnr'
 */
export function accessTechnology(act: number | string | undefined): AccessTechnology {
  if (typeof act === 'number') return Number.isInteger(act) ? (ACT_TECH[act] ?? 'unknown') : 'unknown';
  if (typeof act !== 'string') return 'unknown';
  if ((ACCESS_TECHNOLOGIES as readonly string[]).includes(act)) return act as AccessTechnology;
  const key = act.toUpperCase().replace(/[^A-Z0-9+]/g, '');
  return /^\d+$/.test(key) ? (ACT_TECH[Number(key)] ?? 'unknown') : (TECH_NAMES.get(key) ?? 'unknown');
}

/** A parsed registration status (+CREG/+CGREG/+CEREG/+C5GREG). */
export interface Registration {
  /** Unsolicited-result mode; present only in the read-command form (`+CREG: <n>,<stat>...`). */
  n: number | undefined;
  stat: number;
  state: RegistrationState;
  registered: boolean;
  /** Location/tracking area code as sent (hex string, quotes removed). */
  area: string | undefined;
  /** Cell id, upper-case hex without leading zeros (so two reports of one cell compare equal). */
  cell: string | undefined;
  act: number | undefined;
}

const int = (p: string | undefined): number | undefined =>
  p !== undefined && /^\d{1,9}$/.test(p) ? Number(p) : undefined;
const unquote = (s: string | undefined): string | undefined => {
  const v = s?.replace(/["\s]/g, '');
  return v === undefined || v === '' ? undefined : v;
};

/**
 * Two forms share one prefix: the read response `+CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]]` and the
 * unsolicited `+CREG: <stat>[,<lac>,<ci>[,<AcT>]]`; `+CREG: 2,1,8BE3,2BAF` (read) and
 * `+CREG: 1,0001,0010,0` (unsolicited, with AcT) both have four fields. `solicited` says which
 * (an `AT+CREG?` was pending): that decides, when the second field is a number at all. Without
 * it, the second field decides: the read form has a 1-2 digit `<stat>` there, the unsolicited form
 * an area code (quoted, hex, or 4 digits).
 */
function parseRegistration(line: string, command: string, solicited?: boolean): Registration | undefined {
  const m = /^\s*\+([A-Z0-9]+)\s*:\s*(.*?)\s*$/i.exec(line);
  if (m === null || m[1]?.toUpperCase() !== command) return undefined;
  const p = (m[2] ?? '').split(',').map((f) => f.trim());
  const second = p[1];
  // The read form is <n> (0..5) then a numeric <stat>: a solicited line that is not is a URC that
  // came in with the reply (`+CGREG: 11,"B092",...` while AT+CGREG? is pending).
  const readForm =
    p.length >= 2 &&
    int(second) !== undefined &&
    (int(p[0]) ?? 9) <= 5 &&
    (solicited ?? (second !== undefined && /^\d{1,2}$/.test(second)));
  const n = readForm ? int(p[0]) : undefined;
  const rest = readForm ? p.slice(1) : p;
  const stat = int(rest[0]);
  if (stat === undefined || (readForm && n === undefined)) return undefined;
  // <AcT> follows <ci>; some firmwares put a RAC-like field between <tac> and <ci> (Novatel,
  // Altair +CEREG): then <AcT> is the field after <ci>, the last unquoted number.
  let act = int(rest[3]);
  let ci = rest[2];
  if (act === undefined && rest.length >= 5 && int(rest[4]) !== undefined) {
    act = int(rest[4]);
    ci = rest[3];
  }
  const cell = unquote(ci)
    ?.toUpperCase()
    .replace(/^0+(?=.)/, '');
  return {
    n,
    stat,
    state: registrationState(stat),
    registered: isRegistered(stat),
    area: unquote(rest[1]),
    cell: cell !== undefined && /^[0-9A-F]{1,16}$/.test(cell) ? cell : undefined,
    act: act !== undefined && act <= 255 ? act : undefined,
  };
}

/**
 * Parse `+CREG: ...` (read response when `solicited`, else unsolicited unless the shape says so).
 *
 * @example parseCreg('+CREG: 0,1')?.state // 'home' ; parseCreg('+CREG: 5,"00C3","A1B2",7')?.act // 7
 */
export function parseCreg(line: string, solicited?: boolean): Registration | undefined {
  return parseRegistration(line, 'CREG', solicited);
}

/** Parse `+CGREG: ...` (packet-switched, 2G/3G). @example parseCgreg('+CGREG: 2,1')?.registered // true */
export function parseCgreg(line: string, solicited?: boolean): Registration | undefined {
  return parseRegistration(line, 'CGREG', solicited);
}

/** Parse `+CEREG: ...` (EPS/LTE). @example parseCereg('+CEREG: 0,6')?.state // 'sms_only_home' */
export function parseCereg(line: string, solicited?: boolean): Registration | undefined {
  return parseRegistration(line, 'CEREG', solicited);
}

/** Parse `+C5GREG: ...` (5GS). @example parseC5greg('+C5GREG: 1')?.state // 'home' */
export function parseC5greg(line: string, solicited?: boolean): Registration | undefined {
  return parseRegistration(line, 'C5GREG', solicited);
}

/**
 * Any of the four, by its prefix; `domain` is its index in {@link REGISTRATION_DOMAINS}.
 * @example parseAnyRegistration('+CEREG: 2,0', true) // { domain: 2, stat: 0, ... }
 */
export function parseAnyRegistration(
  line: string,
  solicited?: boolean,
): (Registration & { domain: number }) | undefined {
  const m = /^\s*\+(C5GREG|CEREG|CGREG|CREG)\s*:/i.exec(line);
  if (m === null) return undefined;
  const domain = DOMAIN_COMMANDS.indexOf(m[1]?.toUpperCase() as (typeof DOMAIN_COMMANDS)[number]);
  const r = parseRegistration(line, DOMAIN_COMMANDS[domain] as string, solicited);
  return r === undefined ? undefined : { ...r, domain };
}
