import pino from 'pino';
import { ConfigError } from '../errors.js';

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

/**
 * Where the sidecar's log lines go when `log.file` names a file (CardLink's `output_file`): appended,
 * written synchronously like stdout, its directory created. `reopen()` starts a new file under the
 * same name after logrotate moved the old one (the sidecar calls it on SIGHUP). A file that cannot
 * be opened throws at once, naming it, rather than losing every line silently.
 * @example
 * const dest = fileDestination('/var/log/sidetone/sidetone.log');
 * process.on('SIGHUP', () => dest.reopen());
 */
export function fileDestination(path: string): pino.DestinationStream & { reopen(): void } {
  try {
    return pino.destination({ dest: path, sync: true, append: true, mkdir: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      'ST_CONFIG_INVALID',
      `log.file: cannot open ${JSON.stringify(path)} for appending (${code}): check the directory exists or can be created and the sidecar's user may write there`,
    );
  }
}
