/**
 * Small classifiers from free error text to bounded reason classes. The text itself never
 * leaves these functions: it may hold numbers, names or message bodies.
 */
import type { AiErrorReason, ModemDisconnectReason, SmsFailureReason } from '../domain/vocab.js';

/**
 * +CMS ERROR (TS 27.005 3.2.5; 0..127 are TS 24.011 RP causes) -> SMS failure class.
 * @example cmsErrorReason(38) // 'network' ; cmsErrorReason(310) // 'modem'
 */
export function cmsErrorReason(code: number): SmsFailureReason {
  switch (code) {
    case 1: // unassigned (unallocated) number
    case 28: // unidentified subscriber
    case 30: // unknown subscriber
    case 96: // invalid mandatory information (bad destination address)
      return 'invalid_number';
    case 8: // operator determined barring
    case 10: // call barred
    case 21: // short message transfer rejected
    case 29: // facility rejected
    case 50: // requested facility not subscribed
    case 69: // Q.850 cause 69: facility unimplemented
      return 'rejected';
    case 27: // destination out of service
    case 38: // network out of order
    case 41: // temporary failure
    case 42: // congestion
    case 47: // resources unavailable
    case 330: // SMSC address unknown
    case 331: // no network service
      return 'network';
    case 332: // network timeout
      return 'timeout';
    case 322: // memory full
      return 'quota';
    default:
      // 300..329: ME and SIM failures (ME failure, SIM not inserted, PIN required, SIM busy...).
      return code >= 300 && code <= 329 ? 'modem' : 'other';
  }
}

const SMS_RULES: ReadonlyArray<[RegExp, SmsFailureReason]> = [
  [/time[sd]?[\s_-]?out|etimedout|no response/i, 'timeout'],
  [/rate[\s_-]?limit|too many|quota|throttl|\b429\b|insufficient (funds|balance)|credit/i, 'quota'],
  [
    /invalid[\s_-]?(number|destination|address|recipient|to\b|phone)|unknown (subscriber|number)|not a (valid )?(mobile |phone )?number|landline|unallocated/i,
    'invalid_number',
  ],
  [
    /block|reject|spam|filter|denied|barr|blacklist|unsubscri|opt[\s_-]?out|\bstop\b|forbidden|\b403\b/i,
    'rejected',
  ],
  [/modem|serial|tty|usb|sim (not|busy|failure|pin)|\bpin\b|device|port|\+cme error/i, 'modem'],
  [
    /network|no service|unreachable|econn|enotfound|ehostunreach|dns|socket|congest|unavailable|\b50[234]\b/i,
    'network',
  ],
];

/**
 * SMS send failure -> class: an explicit reason wins, then the +CMS ERROR code, then the text.
 * @example smsFailureReason({ error: 'Timeout waiting for > prompt' }) // 'timeout'
 */
export function smsFailureReason(e: {
  reason?: SmsFailureReason | undefined;
  cmsError?: number | undefined;
  error?: string | undefined;
}): SmsFailureReason {
  if (e.reason !== undefined) return e.reason;
  if (e.cmsError !== undefined) return cmsErrorReason(e.cmsError);
  if (e.error !== undefined) {
    const m = /\+CMS ERROR:\s*(\d+)/i.exec(e.error);
    if (m?.[1] !== undefined) return cmsErrorReason(Number(m[1]));
    for (const [re, reason] of SMS_RULES) if (re.test(e.error)) return reason;
  }
  return 'other';
}

const MODEM_RULES: ReadonlyArray<[RegExp, ModemDisconnectReason]> = [
  [/usb|enodev|no such device|unplug|removed|disconnect(ed)? by host|tty/i, 'usb'],
  [
    /at[\s_-]?(command)?[\s_-]?time[sd]?[\s_-]?out|no response|not responding|time[sd]?[\s_-]?out/i,
    'at_timeout',
  ],
  [/power|brown[\s_-]?out|undervolt|voltage|reset|reboot/i, 'power'],
  [/\bsim\b|pin|puk|uicc/i, 'sim'],
  [/network|detach|deregist|no service|signal/i, 'network'],
  [/manual|user|shutdown|stopp?ed|sigterm|sigint/i, 'manual'],
];

/**
 * Modem disconnect text -> class.
 * @example modemDisconnectReason('ENODEV: /dev/ttyUSB2 vanished') // 'usb'
 */
export function modemDisconnectReason(error: string | undefined): ModemDisconnectReason {
  if (error !== undefined) for (const [re, reason] of MODEM_RULES) if (re.test(error)) return reason;
  return 'other';
}

const AI_RULES: ReadonlyArray<[RegExp, AiErrorReason]> = [
  [/time[sd]?[\s_-]?out|deadline|etimedout/i, 'timeout'],
  [/rate[\s_-]?limit|too many|quota|\b429\b|overloaded/i, 'rate_limit'],
  [/unauthori[sz]ed|forbidden|api[\s_-]?key|credential|\b40[13]\b|auth/i, 'auth'],
  [
    /invalid|unsupported|bad (request|audio|input)|\b400\b|\b422\b|codec|sample rate|empty audio/i,
    'bad_input',
  ],
  [/internal|server error|\b5\d\d\b|unavailable|bad gateway/i, 'server'],
  [/network|econn|enotfound|socket|dns|websocket (closed|error)|reset by peer/i, 'network'],
];

/**
 * Voice-AI provider error text -> class (an explicit reason wins).
 * @example aiErrorReason({ error: 'HTTP 429 Too Many Requests' }) // 'rate_limit'
 */
export function aiErrorReason(e: {
  reason?: AiErrorReason | undefined;
  error?: string | undefined;
}): AiErrorReason {
  if (e.reason !== undefined) return e.reason;
  if (e.error !== undefined) for (const [re, reason] of AI_RULES) if (re.test(e.error)) return reason;
  return 'other';
}
