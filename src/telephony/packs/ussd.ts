import { CUSD_STATUSES } from '../../domain/labels.js';
import { cusdStatus } from '../../domain/standards/modem.js';
import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';

export interface UssdPack extends PackBase {
  /** A USSD request was sent. */
  request(): void;
  /** A +CUSD result arrived with status <m>; `latencySeconds` when the request time is known. */
  response(m: number, latencySeconds?: number): void;
}

/** Requests kept per modem id at most; a modem runs one USSD session at a time. */
const MAX_MODEMS = 64;

/**
 * USSD: requests, +CUSD results by status (TS 27.007 7.15) and request -> result latency per
 * modem. The USSD string and the network's text are never read into a label.
 * @example const ussd = ussdPack(registry); ussd.subscribe(bus);
 */
export function ussdPack(registry: Registry, options: PackOptions = {}): UssdPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'ussd');
  const requests = m.counter('ussd_requests_total').at();
  const responses = m.counter('ussd_responses_total');
  const latency = m.histogram('ussd_response_seconds').at();
  const statuses = new Enum(CUSD_STATUSES);
  const lastRequest = new Map<string, number>();

  const pack: UssdPack = {
    name: 'ussd',
    request() {
      requests.inc();
    },
    response(status, latencySeconds) {
      responses.at(statuses.of(cusdStatus(status))).inc();
      if (latencySeconds !== undefined && latencySeconds >= 0) latency.observe(latencySeconds);
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('ussd.request', (e) => {
          pack.request();
          if (lastRequest.size >= MAX_MODEMS) lastRequest.clear();
          lastRequest.set(e.modem ?? '', eventTime(e.ts, o.now));
        }),
        bus.on('ussd.response', (e) => {
          const key = e.modem ?? '';
          const sentAt = lastRequest.get(key);
          lastRequest.delete(key);
          pack.response(
            e.status,
            sentAt === undefined ? undefined : (eventTime(e.ts, o.now) - sentAt) / 1000,
          );
        }),
      ]),
  };
  return pack;
}
