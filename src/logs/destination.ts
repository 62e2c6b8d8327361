import pino from 'pino';

/**
 * Where the sidecar's log lines go: standard output, written synchronously, and dropped for good
 * once the reader is gone (EPIPE).
 *
 * Why not pino's default: its asynchronous stdout stream registers an exit hook that flushes with
 * a synchronous loop which retries every write error, so after the process reading our stdout
 * exits (a `journalctl -f | grep` closed, a supervisor's pipe torn down), `process.exit()` in the
 * SIGTERM path spins forever on EPIPE and the sidecar never stops. A synchronous stream has no exit
 * hook, and its write errors arrive as events we can act on.
 * @example
 * const log = pino({ level: 'info' }, stdoutDestination());
 */
export function stdoutDestination(fd = 1): pino.DestinationStream {
  const dest = pino.destination({ fd, sync: true });
  const gone = () => {};
  dest.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') return;
    // The reader is gone: every later line would fail the same way, so stop trying.
    dest.write = () => true;
    dest.flushSync = gone;
  });
  return dest;
}
