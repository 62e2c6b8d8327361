// Issue 31, defect 8: the OTLP collector is down (nothing listens) or hangs (accepts, never answers)
// while calls are ingested. Before: RSS rose to 364-408 MiB (191 with a healthy collector) and
// shutdown took 9-10 s. Each phase runs the real sidecar with call spans and metrics over OTLP,
// posts calls from 4 clients, and reports RSS peak, spans dropped (counted) and SIGTERM-to-exit time.
import { createServer } from 'node:http';
import { ndjsonBatch } from '../../../bench/ingest-traffic.mjs';
import { freePort, MiB, peakOf, rssOf, sample, startSidecar } from '../capture-kit.mjs';

/** The documented bound (docs/reliability.md): exporters get otel.shutdown_timeout_ms, 2 s by default. */
const SHUTDOWN_BOUND_MS = 2000;

async function collector(mode) {
  if (mode === 'down') return { url: `http://127.0.0.1:${await freePort()}`, close: async () => {} };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (mode === 'healthy') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      // 'hang': never answer
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

async function phase(mode, seconds, log) {
  const otlp = await collector(mode);
  const side = await startSidecar(
    {
      'otel.endpoint': otlp.url,
      'otel.export_metrics': 'true',
      'packs.calls': 'true',
      'packs.sip': 'true',
      'store.hash_key': 'chaos-hash-key-0123456789',
    },
    { log },
  );
  const rss = peakOf(() => rssOf(side.pid));
  let acked = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const res = await fetch(`${side.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: ndjsonBatch(500),
        });
        const body = await res.json().catch(() => ({}));
        if (res.status === 200) acked += body.accepted ?? 0;
      }
    }),
  );
  const text = await side.metrics();
  const stopped = await side.stop();
  const peak = rss.stop();
  await otlp.close();
  const figures = {
    events_acked: acked,
    rss_peak_mib: MiB(peak),
    spans_dropped: sample(text, 'sidetone_otel_spans_dropped_total'),
    spans_queued: sample(text, 'sidetone_otel_spans_queued'),
    shutdown_ms: stopped.ms,
    exit: stopped.code ?? stopped.signal,
  };
  log(`${mode}: ${JSON.stringify(figures)}`);
  return figures;
}

export default {
  name: 'otlp-down',
  async run({ full, log }) {
    const seconds = full ? 60 : 10;
    const healthy = await phase('healthy', seconds, log);
    const down = await phase('down', seconds, log);
    const hang = await phase('hang', seconds, log);
    for (const [mode, f] of Object.entries({ healthy, down, hang })) {
      // The process also closes the store and the HTTP server after the exporters' bound.
      if (f.shutdown_ms > SHUTDOWN_BOUND_MS + 3000)
        throw new Error(
          `${mode}: shutdown took ${f.shutdown_ms} ms, over the ${SHUTDOWN_BOUND_MS} ms bound + 3 s`,
        );
      if (f.exit !== 0) throw new Error(`${mode}: exited with ${f.exit}`);
    }
    return {
      events_acked: healthy.events_acked + down.events_acked + hang.events_acked,
      rss_peak_mib_healthy: healthy.rss_peak_mib,
      rss_peak_mib_down: down.rss_peak_mib,
      rss_peak_mib_hang: hang.rss_peak_mib,
      spans_dropped_down: down.spans_dropped,
      spans_dropped_hang: hang.spans_dropped,
      shutdown_ms_healthy: healthy.shutdown_ms,
      shutdown_ms_down: down.shutdown_ms,
      shutdown_ms_hang: hang.shutdown_ms,
    };
  },
};
