import type { Logger } from 'pino';
import type { fileDestination } from '../logs/destination.js';

/**
 * A signal from the moment the port opens until the graceful handlers exist (the health port, the
 * demo's backfill) is held and acted on then: left to Node's default it ended the process
 * unflushed (the chaos suite's SIGTERM right after a restart, under load, saw exit SIGTERM).
 */
export function holdSignals(on: boolean) {
  let held: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    held ??= signal;
  };
  if (on) {
    process.on('SIGINT', hold);
    process.on('SIGTERM', hold);
  }
  return {
    /** The first signal held, if any. */
    held: () => held,
    /** Stop holding (a failed start leaves no handler holding the process's signals). */
    release() {
      process.off('SIGINT', hold);
      process.off('SIGTERM', hold);
    },
  };
}

/**
 * SIGINT/SIGTERM close the sidecar gracefully and exit (a second signal exits at once); SIGHUP
 * reopens the log file (logrotate moved it). The handlers leave once `done` resolves; a signal
 * `held` meanwhile is acted on now.
 */
export function onSignals(o: {
  close: () => Promise<void>;
  /** Whether close() has been called (by a signal or the caller). */
  closing: () => boolean;
  done: Promise<void>;
  log: Logger;
  logFile: ReturnType<typeof fileDestination> | undefined;
  held: ReturnType<typeof holdSignals>;
}) {
  const { log, logFile } = o;
  const onSignal = (signal: NodeJS.Signals) => {
    if (o.closing()) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ signal }, 'stopping: finishing requests in flight and flushing the store');
    o.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onHangup = () => logFile?.reopen();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (logFile !== undefined) process.on('SIGHUP', onHangup);
  o.done.then(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
  });
  o.held.release();
  const held = o.held.held();
  if (held !== undefined) onSignal(held);
}
