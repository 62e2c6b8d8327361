/**
 * AT error results: +CME ERROR (3GPP TS 27.007 9.2) and +CMS ERROR (TS 27.005 3.2.5) as bounded
 * classes with their meaning, the verbose (+CMEE=2) texts mapped back to codes, and the codes
 * that mean "busy, try again".
 */

/** What ended a command with an error: a numbered +CME/+CMS, a plain ERROR, or a vendor code. */
export const AT_ERROR_KINDS = ['cme', 'cms', 'error', 'vendor'] as const;
export type AtErrorKind = (typeof AT_ERROR_KINDS)[number];

/**
 * Error classes, from the ranges of the two tables:
 * - CME: `general` 0-4, 49-63; `sim` 5-18, 40-48; `storage` 20-23; `text` 24-27;
 *   `network` 30-32; `packet` 101-255 (GPRS, EPS and 5GS causes, 27.007 9.2.2).
 * - CMS: `network` 0-127 (TS 24.011 E-2 RP causes) and 330-332; `sc` 128-255 (TS 23.040
 *   9.2.3.22 TP-Failure-Cause); `me` 300-305 and 340; `sim` 310-318; `storage` 320-322.
 * - `vendor`: 256-999 outside those lists (manufacturer-specific: Wavecom/Sierra CME 515 "init in
 *   progress", SIMCom CMS 517 "SM BL not ready", Quectel CMS 350); `unknown`: CME/CMS 100/500
 *   "unknown", anything else, a plain ERROR, and a verbose text not in the tables.
 */
// biome-ignore format: one line per table
export const AT_ERROR_CLASSES = [
  'general', 'sim', 'storage', 'text', 'network', 'packet', 'sc', 'me',
  'vendor', 'unknown',
] as const;
export type AtErrorClass = (typeof AT_ERROR_CLASSES)[number];

// 27.007 9.2.1 (general) texts; 9.2.2 packet causes with the texts ModemManager uses.
const CME: ReadonlyArray<[number, string]> = [
  [0, 'phone failure'],
  [1, 'no connection to phone'],
  [2, 'phone-adaptor link reserved'],
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [5, 'PH-SIM PIN required'],
  [6, 'PH-FSIM PIN required'],
  [7, 'PH-FSIM PUK required'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [14, 'SIM busy'],
  [15, 'SIM wrong'],
  [16, 'incorrect password'],
  [17, 'SIM PIN2 required'],
  [18, 'SIM PUK2 required'],
  [20, 'memory full'],
  [21, 'invalid index'],
  [22, 'not found'],
  [23, 'memory failure'],
  [24, 'text string too long'],
  [25, 'invalid characters in text string'],
  [26, 'dial string too long'],
  [27, 'invalid characters in dial string'],
  [30, 'no network service'],
  [31, 'network timeout'],
  [32, 'network not allowed - emergency calls only'],
  [40, 'network personalisation PIN required'],
  [41, 'network personalisation PUK required'],
  [42, 'network subset personalisation PIN required'],
  [43, 'network subset personalisation PUK required'],
  [44, 'service provider personalisation PIN required'],
  [45, 'service provider personalisation PUK required'],
  [46, 'corporate personalisation PIN required'],
  [47, 'corporate personalisation PUK required'],
  [48, 'hidden key required'],
  [49, 'EAP method not supported'],
  [50, 'incorrect parameters'],
  [51, 'command implemented but currently disabled'],
  [52, 'command aborted by user'],
  [53, 'not attached to network due to MT functionality restrictions'],
  [54, 'modem not allowed - MT restricted to emergency calls only'],
  [55, 'operation not allowed because of MT functionality restrictions'],
  [56, 'fixed dial number only allowed'],
  [57, 'temporarily out of service due to other MT usage'],
  [58, 'language/alphabet not supported'],
  [59, 'unexpected data value'],
  [60, 'system failure'],
  [61, 'data missing'],
  [62, 'call barred'],
  [63, 'message waiting indication subscription failure'],
  [100, 'unknown'],
  [103, 'illegal MS'],
  [106, 'illegal ME'],
  [107, 'GPRS services not allowed'],
  [111, 'PLMN not allowed'],
  [112, 'location area not allowed'],
  [113, 'roaming not allowed in this location area'],
  [127, 'missing or unknown APN'],
  [132, 'service option not supported'],
  [133, 'requested service option not subscribed'],
  [134, 'service option temporarily out of order'],
  [148, 'unspecified GPRS error'],
  [149, 'PDP authentication failure'],
  [150, 'invalid mobile class'],
];

// 27.005 3.2.5 (300..500) and a few TS 24.011 E-2 RP causes met on +CMGS.
const CMS: ReadonlyArray<[number, string]> = [
  [1, 'unassigned (unallocated) number'],
  [8, 'operator determined barring'],
  [10, 'call barred'],
  [21, 'short message transfer rejected'],
  [27, 'destination out of service'],
  [28, 'unidentified subscriber'],
  [29, 'facility rejected'],
  [30, 'unknown subscriber'],
  [38, 'network out of order'],
  [41, 'temporary failure'],
  [42, 'congestion'],
  [47, 'resources unavailable, unspecified'],
  [50, 'requested facility not subscribed'],
  [69, 'requested facility not implemented'],
  [300, 'ME failure'],
  [301, 'SMS service of ME reserved'],
  [302, 'operation not allowed'],
  [303, 'operation not supported'],
  [304, 'invalid PDU mode parameter'],
  [305, 'invalid text mode parameter'],
  [310, '(U)SIM not inserted'],
  [311, '(U)SIM PIN required'],
  [312, 'PH-(U)SIM PIN required'],
  [313, '(U)SIM failure'],
  [314, '(U)SIM busy'],
  [315, '(U)SIM wrong'],
  [316, '(U)SIM PUK required'],
  [317, '(U)SIM PIN2 required'],
  [318, '(U)SIM PUK2 required'],
  [320, 'memory failure'],
  [321, 'invalid memory index'],
  [322, 'memory full'],
  [330, 'SMSC address unknown'],
  [331, 'no network service'],
  [332, 'network timeout'],
  [340, 'no +CNMA acknowledgement expected'],
  [500, 'unknown error'],
];
const CME_TEXT = new Map(CME);
const CMS_TEXT = new Map(CMS);

const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
// Verbose texts back to codes, normalised as ModemManager does (lower case, letters and digits only).
const CME_BY_TEXT = new Map(CME.map(([code, text]) => [key(text), code]));
const CMS_BY_TEXT = new Map(CMS.map(([code, text]) => [key(text), code]));

const inRange = (c: number, lo: number, hi: number) => c >= lo && c <= hi;

/**
 * The class of a numbered +CME/+CMS ERROR (see {@link AT_ERROR_CLASSES}).
 * @example atErrorClass('cme', 11) // 'sim' ; atErrorClass('cms', 350) // 'vendor'
 */
export function atErrorClass(kind: 'cme' | 'cms', code: number): AtErrorClass {
  if (!Number.isInteger(code) || code < 0 || code > 999) return 'unknown';
  if (kind === 'cme') {
    if (code <= 4 || inRange(code, 49, 63)) return 'general';
    if (inRange(code, 5, 18) || inRange(code, 40, 48)) return 'sim';
    if (inRange(code, 20, 23)) return 'storage';
    if (inRange(code, 24, 27)) return 'text';
    if (inRange(code, 30, 32)) return 'network';
    if (inRange(code, 101, 255)) return 'packet';
    return code >= 256 ? 'vendor' : 'unknown';
  }
  if (code <= 127 || inRange(code, 330, 332)) return 'network';
  if (code <= 255) return 'sc';
  if (inRange(code, 300, 305) || code === 340) return 'me';
  if (inRange(code, 310, 318)) return 'sim';
  if (inRange(code, 320, 322)) return 'storage';
  return code === 500 ? 'unknown' : 'vendor';
}

/**
 * What a code means, per the standard's table; undefined when it is not there (vendor codes
 * mean different things per manufacturer).
 * @example atErrorMeaning('cme', 14) // 'SIM busy'
 */
export function atErrorMeaning(kind: 'cme' | 'cms', code: number): string | undefined {
  return (kind === 'cme' ? CME_TEXT : CMS_TEXT).get(code);
}

/** A parsed error result: the code when numeric or a known verbose text. */
export interface AtError {
  kind: AtErrorKind;
  code: number | undefined;
  class: AtErrorClass;
}

/**
 * An error final result line -> kind, code and class; undefined for a line that is not one.
 * `+CME ERROR: 11`, `+CME ERROR: incorrect password` (-> 16), `+CMS ERROR:500`, `ERROR`, and the
 * vendor finals `COMMAND NOT SUPPORT` (Huawei), `MODEM ERROR: <n>` (Motorola), `NA` (Samsung).
 * @example parseAtError('+CME ERROR: SIM busy') // { kind: 'cme', code: 14, class: 'sim' }
 */
export function parseAtError(line: string): AtError | undefined {
  const m = /^\+CM([ES]) ERROR\s*:\s*(.*?)\s*$/i.exec(line);
  if (m !== null) {
    const kind = m[1]?.toUpperCase() === 'E' ? 'cme' : 'cms';
    const arg = m[2] ?? '';
    const code = /^-?\d{1,6}$/.test(arg)
      ? Number(arg)
      : (kind === 'cme' ? CME_BY_TEXT : CMS_BY_TEXT).get(key(arg));
    return { kind, code, class: code === undefined ? 'unknown' : atErrorClass(kind, code) };
  }
  if (/^ERROR$/i.test(line.trim())) return { kind: 'error', code: undefined, class: 'unknown' };
  if (VENDOR_FINAL.test(line)) return { kind: 'vendor', code: undefined, class: 'vendor' };
  return undefined;
}

/**
 * Vendor final result codes that end a command like ERROR (gammu at.c, ModemManager
 * mm-serial-parsers.c): Huawei `COMMAND NOT SUPPORT`, Motorola `MODEM ERROR: <n>`, Samsung `NA`.
 */
export const VENDOR_FINAL = /^(COMMAND NOT SUPPORT|MODEM ERROR:.*|NA)$/;

/**
 * Transient "busy" errors worth the same command again after a pause: CME 14 SIM busy, CMS 314
 * (U)SIM busy, and the manufacturer codes for "still initialising" met at start-up: CME 515
 * (Wavecom/Sierra), CMS 517 (SIMCom "SM BL not ready").
 * @example isBusyError({ kind: 'cme', code: 14, class: 'sim' }) // true
 */
export function isBusyError(e: AtError): boolean {
  return e.kind === 'cme'
    ? e.code === 14 || e.code === 515
    : e.kind === 'cms' && (e.code === 314 || e.code === 517);
}
