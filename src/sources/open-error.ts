/**
 * Why a source cannot open its device or address, said for the operator: what was tried, the
 * cause, and the fix. Health details and error logs carry it, so "no event yet" never hides a
 * missing port or a port another process holds.
 */

/** serialport reports `Error: <strerror>, cannot open <path>`, without a code: map the text back. */
const STRERROR: ReadonlyArray<readonly [RegExp, string]> = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/device or resource busy|resource temporarily unavailable|cannot lock port/i, 'EBUSY'],
  [/is a directory/i, 'EISDIR'],
  [/address already in use/i, 'EADDRINUSE'],
];

/** Per errno: what it reads as, the fix for a modem port, the fix for a listen address. */
const CAUSES: Readonly<Record<string, readonly [what: string, modem: string, listen: string]>> = {
  ENOENT: ['no such file', 'is the modem plugged in? modem.path names its AT port: ls /dev/ttyUSB*', ''],
  EACCES: [
    'permission denied',
    'add the user sidetone runs as to the dialout group',
    'ports below 1024 need CAP_NET_BIND_SERVICE: use 9060',
  ],
  EBUSY: ['in use by another program', 'stop it (ModemManager?) or have it ignore the modem', ''],
  EAGAIN: ['in use by another program', 'stop it (ModemManager?) or have it ignore the modem', ''],
  EISDIR: ['a directory, not a device', 'modem.path names the AT port itself', ''],
  EADDRINUSE: ['address in use', '', 'another process is bound to it: stop it or change hep.listen'],
  EADDRNOTAVAIL: ['not an address of this machine', '', 'listen on 0.0.0.0 or one of its addresses'],
};

/** The errno code of a Node error, or of serialport's message; undefined when unknown. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = err instanceof Error ? err.message : String(err);
  return STRERROR.find(([re]) => re.test(message))?.[1];
}

/**
 * `modem: cannot open /dev/ttyUSB9: no such file (is the modem plugged in? ...)`, or for a
 * listener `hep: cannot listen on udp port 9060: address in use (...)`. Short enough for a
 * readiness detail (160 characters); the cause of an unknown error is its message.
 * @example openFailure('modem', 'open /dev/ttyUSB9', new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'))
 */
export function openFailure(source: 'modem' | 'hep', target: string, err: unknown): string {
  const code = errnoOf(err);
  const cause = code === undefined ? undefined : CAUSES[code];
  const what = cause?.[0] ?? (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '');
  const fix = cause?.[source === 'modem' ? 1 : 2] ?? '';
  return `${source}: cannot ${target}: ${what}${fix === '' ? '' : ` (${fix})`}`;
}
