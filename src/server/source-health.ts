import type { Logger } from 'pino';
import type { HealthRegistry } from '../health/index.js';
import { trusted } from '../logs/index.js';
import type { HepListener, HepSource } from '../sources/hep/source.js';
import type { ModemSource } from '../sources/modem/source.js';
import { openFailure } from '../sources/open-error.js';
import type { Readiness } from '../telephony/pack.js';

/** How often a HEP listener that could not bind tries again. */
const HEP_RETRY_MS = 10_000;

/**
 * Bind the HEP listeners and keep trying until they are bound: an address in use (another
 * capture agent, a second sidetone) or a port the user may not bind degrades, never stops the
 * sidecar. Until bound, the critical `hep` check fails with the cause (so readiness is 503 and
 * SidetoneSourceDown fires) and one error line per cause says the same.
 * @example
 * const hep = await keepListening(source, { health, log });
 * // ...
 * hep.stop();
 */
export async function keepListening(
  source: HepSource,
  o: { health: HealthRegistry; log: Logger; retryMs?: number },
): Promise<{ listeners: HepListener[]; stop: () => void }> {
  let cause: string | undefined;
  let bound: HepListener[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const retryMs = o.retryMs ?? HEP_RETRY_MS;
  o.health.register({
    name: 'hep',
    critical: true,
    check: () =>
      cause === undefined
        ? { status: 'pass', detail: `listening on ${bound.length} HEP address(es)` }
        : { status: 'fail', detail: cause },
  });
  const attempt = async (): Promise<void> => {
    try {
      bound = await source.start();
      if (stopped) {
        await source.close();
        return;
      }
      cause = undefined;
      // The listen address is the operator's setting, not data: keep it readable.
      for (const l of bound) o.log.info({ ...l, host: trusted(l.host) }, 'HEP listening');
    } catch (err) {
      const e = err as { syscall?: string; port?: number };
      const target =
        e.port === undefined ? 'listen' : `listen on ${e.syscall === 'bind' ? 'udp' : 'tcp'} port ${e.port}`;
      const now = openFailure('hep', target, err);
      if (now !== cause)
        o.log.error({ cause: trusted(now) }, `HEP source cannot listen; retrying every ${retryMs / 1000} s`);
      cause = now;
      if (!stopped) timer = setTimeout(() => void attempt(), retryMs).unref();
    }
  };
  await attempt();
  return {
    listeners: bound,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * The `modem` readiness check: the cause while the port cannot be opened (`modem: cannot open
 * /dev/ttyUSB9: no such file (...)`), else what the modem pack says (connected, registered).
 */
export function modemReadiness(pack: { readiness(): Readiness }, source: () => ModemSource | undefined) {
  return (): Readiness => {
    const s = source();
    return s !== undefined && !s.connected && s.error !== undefined
      ? { status: 'fail', detail: s.error }
      : pack.readiness();
  };
}
