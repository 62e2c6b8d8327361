import type { Logger } from 'pino';
import type { SidetoneConfig } from '../config/schema.js';
import { fileDestination, stdoutDestination } from '../logs/destination.js';
import { createLogger, trusted } from '../logs/index.js';
import { prettyDestination } from '../logs/pretty.js';

/**
 * The sidecar's logger: the caller's, or one as `[log]` configures it, with the file it writes
 * (`log.file`) to reopen on SIGHUP.
 */
export function sidecarLogger(config: SidetoneConfig, logger: Logger | undefined) {
  const logFile =
    logger === undefined && config.log.file !== undefined ? fileDestination(config.log.file) : undefined;
  const log =
    logger ??
    createLogger({
      level: config.log.level,
      traceIds: config.otel.log_trace_id,
      destination: logDestination(config.log.format, logFile),
    });
  return { log, logFile };
}

/** JSON lines, or readable ones on a terminal (`log.format`, default auto); to `log.file` when set. */
function logDestination(format: 'auto' | 'json' | 'pretty', file?: ReturnType<typeof fileDestination>) {
  const tty = file === undefined && process.stdout.isTTY === true;
  const out = file ?? stdoutDestination();
  const pretty = format === 'pretty' || (format === 'auto' && tty);
  return pretty ? prettyDestination(out, tty && !process.env.NO_COLOR) : out;
}

/** Scheme, host and port only: a configured URL may carry credentials in its user part. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(custom)';
  }
}

/** The line that says the sidecar is up: where it listens, its store, and where it sends data. */
export function logListening(
  log: Logger,
  o: {
    push: { remoteWrite?: string; otlp?: string; instance: string } | undefined;
    url: string;
    healthUrl: string | undefined;
    db: string;
    demo: boolean;
    traces: string | undefined;
  },
) {
  const { push } = o;
  log.info(
    {
      ...(push?.remoteWrite !== undefined && { remote_write: trusted(originOf(push.remoteWrite)) }),
      ...(push?.otlp !== undefined && { otlp_metrics: trusted(originOf(push.otlp)) }),
      // The operator's checked setting or host name: which series are this host's on the receiver.
      ...(push !== undefined && { push_instance: trusted(push.instance) }),
      url: trusted(o.url),
      ...(o.healthUrl !== undefined && { health_url: trusted(o.healthUrl) }),
      db: trusted(o.db),
      demo: o.demo,
      ...(o.traces !== undefined && { traces: trusted(originOf(o.traces)) }),
    },
    'sidetone listening',
  );
}
