/**
 * Serving-cell signal from the vendor commands LTE/5G modules answer where +CSQ says little:
 * Quectel `AT+QENG="servingcell"`, Huawei `^HCSQ`, SIMCom `AT+CPSI?`, Cinterion `AT^SMONI`.
 * Values are named as ModemManager names them (MMSignal: LTE and NR `snr`, not `sinr`); each is
 * dropped when outside its physical range rather than guessed. Parsers never throw.
 */
import { type AccessTechnology, accessTechnology } from './registration.js';

/** One serving-cell report, in physical units. */
export interface VendorSignal {
  /** What the modem says it is on. */
  tech: AccessTechnology;
  /** Serving band label (`lte_b3`, `nr_n78`), see {@link bandLabel}. */
  band?: string;
  rssiDbm?: number;
  rsrpDbm?: number;
  rsrqDb?: number;
  snrDb?: number;
  rscpDbm?: number;
  /** UMTS Ec/Io (Ec/No), dB. */
  ecnoDb?: number;
  /** The NR leg (5G SA serving cell, or the secondary cell of EN-DC). */
  nrRsrpDbm?: number;
  nrRsrqDb?: number;
  nrSnrDb?: number;
  /** Searching, or no service: no values describe a cell. */
  noService?: boolean;
}

// Physical ranges (TS 36.133 / 38.133 reporting ranges, rounded out): a value outside is a
// firmware's other scale or a placeholder, never a measurement.
const RANGES = {
  rssiDbm: [-130, -10],
  rsrpDbm: [-157, -31],
  rsrqDb: [-44, 21],
  snrDb: [-24, 41],
  rscpDbm: [-125, -20],
  ecnoDb: [-30, 1],
} as const;
type Quantity = keyof typeof RANGES;

const num = (s: string | undefined): number | undefined =>
  s !== undefined && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
const round2 = (v: number) => Math.round(v * 100) / 100;

function set(out: VendorSignal, field: keyof VendorSignal, q: Quantity, v: number | undefined): void {
  if (v === undefined || !Number.isFinite(v)) return;
  const [lo, hi] = RANGES[q];
  if (v >= lo && v <= hi) (out as unknown as Record<string, number>)[field] = round2(v);
}

/** Fields after `<prefix>:`, unquoted and trimmed (no field of these replies holds a comma). */
function fields(line: string, prefix: string): string[] | undefined {
  const m = new RegExp(`^\\s*\\${prefix}\\s*:\\s*(.*?)\\s*$`, 'i').exec(line);
  return m === null ? undefined : (m[1] ?? '').split(',').map((f) => f.trim().replace(/^"|"$/g, ''));
}

// E-UTRA operating bands (TS 36.101 5.5) and NR bands (TS 38.101-1/-2): n1..n110 in FR1, n257..n263 in FR2.
const LTE_BANDS = Array.from({ length: 108 }, (_, i) => `lte_b${i + 1}`);
const NR_BANDS = [
  ...Array.from({ length: 110 }, (_, i) => `nr_n${i + 1}`),
  ...Array.from({ length: 7 }, (_, i) => `nr_n${257 + i}`),
];
/** Every serving-band label (bounded: the 3GPP band numbers). */
export const BANDS: readonly string[] = [...LTE_BANDS, ...NR_BANDS];
const BAND_SET = new Set(BANDS);

/**
 * `lte_b<n>` / `nr_n<n>` for a band number that exists, else undefined.
 * @example bandLabel('lte', 3) // 'lte_b3' ; bandLabel('nr', 78) // 'nr_n78'
 */
export function bandLabel(rat: 'lte' | 'nr', band: number | string | undefined): string | undefined {
  const n = typeof band === 'number' ? band : num(band?.replace(/^\D+/, ''));
  const label = n === undefined ? undefined : `${rat === 'lte' ? 'lte_b' : 'nr_n'}${n}`;
  return label !== undefined && BAND_SET.has(label) ? label : undefined;
}

/**
 * Quectel `+QENG: "servingcell",...` (one line, or three in EN-DC: the servingcell line, then
 * `"LTE",...` and `"NR5G-NSA",...` without the prefix), per the Quectel network application
 * notes: LTE `<RSRP>,<RSRQ>,<RSSI>,<SINR>` at fields 14-17 with SINR on Quectel's 0..250 scale
 * (dB = value / 5 - 20: EC2x fields read 53 and 38, impossible as dB); WCDMA `<RSCP>,<ecio>` at
 * 11-12; NR5G-SA `<RSRP>,<RSRQ>,<SINR>` at 13-15 in dB; NR5G-NSA `<RSRP>,<SINR>,<RSRQ>` (that order).
 * @example parseQeng(['+QENG: "servingcell","NOCONN","LTE","FDD",505,02,12AED4A,445,3750,8,3,3,CBE8,-99,-14,-71,53,30'])?.snrDb // -9.4
 */
export function parseQeng(lines: readonly string[]): VendorSignal | undefined {
  let out: VendorSignal | undefined;
  for (const line of lines) {
    const f = fields(line, '+QENG');
    if (f === undefined) continue;
    if (f[0]?.toLowerCase() === 'servingcell') {
      out = { tech: 'unknown' };
      if (f[1] === 'SEARCH') out.noService = true;
      if (f.length > 3) qengCell(out, f.slice(2));
    } else if (out !== undefined && (f[0] === 'LTE' || f[0] === 'NR5G-NSA')) {
      // EN-DC: the LTE anchor (the LTE list from its mode field on) and the NR leg.
      if (f[0] === 'LTE') qengCell(out, f);
      else {
        set(out, 'nrRsrpDbm', 'rsrpDbm', num(f[4]));
        set(out, 'nrSnrDb', 'snrDb', num(f[5]));
        set(out, 'nrRsrqDb', 'rsrqDb', num(f[6]));
        out.tech = 'lte_5gnr';
      }
    }
  }
  return out;
}

/** `f` starts at the mode field ("LTE", "eMTC", "WCDMA", "NR5G-SA", "GSM"). */
function qengCell(out: VendorSignal, f: string[]): void {
  const mode = f[0] ?? '';
  out.tech = accessTechnology(mode);
  if (out.tech === 'lte') {
    const band = bandLabel('lte', f[7]);
    if (band !== undefined) out.band = band;
    set(out, 'rsrpDbm', 'rsrpDbm', num(f[11]));
    set(out, 'rsrqDb', 'rsrqDb', num(f[12]));
    set(out, 'rssiDbm', 'rssiDbm', num(f[13]));
    const sinr = num(f[14]);
    if (sinr !== undefined && sinr >= 0 && sinr <= 250) set(out, 'snrDb', 'snrDb', sinr / 5 - 20);
  } else if (out.tech === 'umts') {
    set(out, 'rscpDbm', 'rscpDbm', num(f[8]));
    set(out, 'ecnoDb', 'ecnoDb', num(f[9]));
  } else if (out.tech === '5gnr') {
    const band = bandLabel('nr', f[8]);
    if (band !== undefined) out.band = band;
    set(out, 'nrRsrpDbm', 'rsrpDbm', num(f[10]));
    set(out, 'nrRsrqDb', 'rsrqDb', num(f[11]));
    set(out, 'nrSnrDb', 'snrDb', num(f[12]));
  }
}

/**
 * Huawei `^HCSQ: <sysmode>,<v1>..<v4>` (as ModemManager's Huawei plugin decodes it): GSM rssi
 * -121 + v1; WCDMA rssi -121 + v1, Ec/Io v3 / 2 - 32.5; LTE rssi -121 + v1, rsrp -141 + v2,
 * snr v3 / 5 - 20.2, rsrq v4 / 2 - 20; 255 = unknown; `NOSERVICE` carries nothing.
 * @example parseHcsq('^HCSQ:"LTE",59,50,161,24') // { tech: 'lte', rssiDbm: -62, rsrpDbm: -91, snrDb: 12, rsrqDb: -8 }
 */
export function parseHcsq(line: string): VendorSignal | undefined {
  const f = fields(line, '^HCSQ');
  if (f === undefined) return undefined;
  const mode = (f[0] ?? '').toUpperCase();
  const v = (i: number, max: number) => {
    const x = num(f[i]);
    return x !== undefined && x >= 0 && x <= max ? x : undefined;
  };
  const out: VendorSignal = { tech: mode === 'NOSERVICE' ? 'unknown' : accessTechnology(mode) };
  if (mode === 'NOSERVICE') out.noService = true;
  const rssi = v(1, 96);
  if (rssi !== undefined) set(out, 'rssiDbm', 'rssiDbm', -121 + rssi);
  if (out.tech === 'umts') {
    const ecio = v(3, 65);
    if (ecio !== undefined) set(out, 'ecnoDb', 'ecnoDb', ecio / 2 - 32.5);
  } else if (out.tech === 'lte') {
    const rsrp = v(2, 97);
    const sinr = v(3, 251);
    const rsrq = v(4, 34);
    if (rsrp !== undefined) set(out, 'rsrpDbm', 'rsrpDbm', -141 + rsrp);
    if (sinr !== undefined) set(out, 'snrDb', 'snrDb', sinr / 5 - 20.2);
    if (rsrq !== undefined) set(out, 'rsrqDb', 'rsrqDb', rsrq / 2 - 20);
  }
  return out;
}

/**
 * SIMCom `+CPSI: <mode>,<op>,<mcc>-<mnc>,<tac>,<cell>,<pci>,EUTRAN-BAND<n>,<earfcn>,<dlbw>,<ulbw>,
 * <rsrq>,<rsrp>,<rssi>,<rssnr>`. The SIM7600 family prints rsrq/rsrp/rssi in tenths (-1143 =
 * -114.3 dBm), the SIM7000 family in plain units: RSRP decides for the whole line, since its
 * plain range (-156..-44 dBm) and its tenths (-1560..-440) cannot overlap. RSSNR is in dB.
 * @example parseCpsi('+CPSI: LTE,Online,505-02,0xCBE8,36519691,101,EUTRAN-BAND3,1800,5,5,-147,-1143,-764,11')?.rsrpDbm // -114.3
 */
export function parseCpsi(line: string): VendorSignal | undefined {
  const f = fields(line, '+CPSI');
  if (f === undefined) return undefined;
  const mode = f[0] ?? '';
  if (/^NO SERVICE$/i.test(mode)) return { tech: 'unknown', noService: true };
  const out: VendorSignal = { tech: accessTechnology(mode) };
  if (out.tech !== 'lte' && out.tech !== 'lte_nb_iot') return out;
  const band = bandLabel('lte', /^EUTRAN-BAND(\d+)$/i.exec(f[6] ?? '')?.[1]);
  if (band !== undefined) out.band = band;
  const rsrp = num(f[11]);
  const scale = rsrp !== undefined && rsrp <= -200 ? 0.1 : 1;
  const scaled = (s: string | undefined) => {
    const x = num(s);
    return x === undefined ? undefined : x * scale;
  };
  set(out, 'rsrqDb', 'rsrqDb', scaled(f[10]));
  set(out, 'rsrpDbm', 'rsrpDbm', scaled(f[11]));
  set(out, 'rssiDbm', 'rssiDbm', scaled(f[12]));
  set(out, 'snrDb', 'snrDb', num(f[13]));
  return out;
}

/**
 * Cinterion `^SMONI: <ACT>,...` (as ModemManager's Cinterion plugin reads it): 2G rssi (field 3,
 * dBm); 3G Ec/No (4, dB) and RSCP (5, dBm); 4G band (3), RSRP (13, dBm) and RSRQ (14, dB);
 * `SEARCH` carries nothing; `-` is "not available".
 * @example parseSmoni('^SMONI: 4G,6300,20,10,10,FDD,262,02,BF75,0345103,350,33,-94,-7,NOCONN')?.rsrpDbm // -94
 */
export function parseSmoni(line: string): VendorSignal | undefined {
  const f = fields(line, '^SMONI');
  if (f === undefined) return undefined;
  const act = f[0] ?? '';
  const out: VendorSignal = { tech: accessTechnology(act) };
  if (f[1] === 'SEARCH') {
    out.noService = true;
    return out;
  }
  if (act === '2G') set(out, 'rssiDbm', 'rssiDbm', num(f[2]));
  else if (act === '3G') {
    set(out, 'ecnoDb', 'ecnoDb', num(f[3]));
    set(out, 'rscpDbm', 'rscpDbm', num(f[4]));
  } else if (act === '4G') {
    const band = bandLabel('lte', f[2]);
    if (band !== undefined) out.band = band;
    set(out, 'rsrpDbm', 'rsrpDbm', num(f[12]));
    set(out, 'rsrqDb', 'rsrqDb', num(f[13]));
  }
  return out;
}

/**
 * Huawei `^RSSI: <rssi>` (the +CSQ scale, 27.007 8.5), sent on every signal change.
 * @example parseHuaweiRssi('^RSSI:18') // 18
 */
export function parseHuaweiRssi(line: string): number | undefined {
  const m = /^\^RSSI\s*:\s*(\d{1,2})\s*$/.exec(line);
  return m === null ? undefined : Number(m[1]);
}
