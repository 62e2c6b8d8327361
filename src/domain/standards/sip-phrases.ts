/**
 * The reason phrases of SIP status codes as RFC 3261 21 recommends them (with RFC 3262 421/420's
 * neighbours, RFC 4028 422, RFC 3329 494, RFC 6665 489 and RFC 3265 202), for labels a ladder draws.
 * The phrase a captured message carried is free text and never copied: a ladder shows the standard one.
 */
// biome-ignore format: one code a line reads like the RFC's table
const PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Trying'], [180, 'Ringing'], [181, 'Call Is Being Forwarded'], [182, 'Queued'],
  [183, 'Session Progress'], [199, 'Early Dialog Terminated'],
  [200, 'OK'], [202, 'Accepted'], [204, 'No Notification'],
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'],
  [305, 'Use Proxy'], [380, 'Alternative Service'],
  [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'],
  [404, 'Not Found'], [405, 'Method Not Allowed'], [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'], [408, 'Request Timeout'], [410, 'Gone'],
  [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'], [415, 'Unsupported Media Type'],
  [416, 'Unsupported URI Scheme'], [420, 'Bad Extension'], [421, 'Extension Required'],
  [422, 'Session Interval Too Small'], [423, 'Interval Too Brief'],
  [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'], [482, 'Loop Detected'],
  [483, 'Too Many Hops'], [484, 'Address Incomplete'], [485, 'Ambiguous'], [486, 'Busy Here'],
  [487, 'Request Terminated'], [488, 'Not Acceptable Here'], [489, 'Bad Event'], [491, 'Request Pending'],
  [493, 'Undecipherable'], [494, 'Security Agreement Required'],
  [500, 'Server Internal Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'],
  [503, 'Service Unavailable'], [504, 'Server Time-out'], [505, 'Version Not Supported'],
  [513, 'Message Too Large'], [580, 'Precondition Failure'],
  [600, 'Busy Everywhere'], [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
]);

/**
 * A status code with its standard reason phrase; a code without one shows alone.
 * @example sipStatusLabel(486) // '486 Busy Here' ; sipStatusLabel(499) // '499'
 */
export function sipStatusLabel(code: number): string {
  const phrase = PHRASES.get(code);
  return phrase === undefined ? String(code) : `${code} ${phrase}`;
}
