import { detectPii } from '../guard/pii.js';
import { redactSecrets } from '../secrets.js';

/** Longest detail a probe answers with: enough for "disk 91% full", short enough for a log line. */
export const MAX_DETAIL_LENGTH = 160;

/**
 * Make a free-text detail safe to publish on an unauthenticated probe: control characters become
 * spaces, secrets go (configured values, credentials in URLs: src/secrets.ts), words that
 * look like personal data or secrets (phone numbers, IMSIs, SIP URIs, tokens,
 * IPs...) are replaced by `[redacted <kind>]`, and the result is cut to {@link MAX_DETAIL_LENGTH}.
 * When the whole text still looks like PII after word masking (a number split over several words,
 * say), nothing of it is kept.
 *
 * @example
 * sanitizeDetail('modem at +44 7700 900123 registered'); // 'redacted (looked like phone)'
 * sanitizeDetail('SIM ready, token=sk_live_abcdefgh12345678'); // 'SIM ready, token=********'
 */
export function sanitizeDetail(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : value instanceof Error ? value.message : safeString(value);
  // Control characters could forge log lines or break terminals that show probe output.
  text = redactSecrets(text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim());
  // Cut before scanning so the scan is bounded, but with headroom so a masked word can shrink it.
  if (text.length > MAX_DETAIL_LENGTH * 4) text = text.slice(0, MAX_DETAIL_LENGTH * 4);
  if (detectPii(text) !== undefined) {
    text = text
      .split(/(\s+)/)
      .map((word) => {
        const kind = word.trim() === '' ? undefined : detectPii(word);
        return kind === undefined ? word : `[redacted ${kind}]`;
      })
      .join('');
    const left = detectPii(text.replace(/\[redacted [a-z_]+\]/g, ''));
    if (left !== undefined) return `redacted (looked like ${left})`;
  }
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 3)}...` : text;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
