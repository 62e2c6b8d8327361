// The floors of the ingest and Pi benches, each run as a process of its own (never on the load
// generator's event loop): bare node:http answering what a sidecar answers, with the least work.
//   node bench/floor-server.mjs <mode> <port> [db]
// Modes:
// - commit: POST /events parses each event (JSON.parse per NDJSON line, or the JSON body: an event
//   or an array) and commits every one as a plain row to SQLite (WAL, synchronous NORMAL, as the
//   sidecar's store) in one transaction per request, then answers 200 {"accepted": n};
// - ack: parses each event the same way and answers, storing nothing;
// - exporter: no /events; a prom-client registry with its default metrics at /metrics, what a
//   Node app that exports its own metrics runs.
// Every mode answers GET /readyz 200 once it listens (its database open) and GET /metrics.
import { createServer } from 'node:http';

const [mode, port, dbPath] = process.argv.slice(2);

let accepted = 0;
let commit = (events) => events.length;
let metrics = () => `# TYPE floor_events_accepted counter\nfloor_events_accepted_total ${accepted}\n`;

if (mode === 'commit') {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS events (type TEXT, call_id TEXT, body TEXT)');
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?)');
  commit = db.transaction((events) => {
    for (const [e, text] of events) insert.run(e.type, e.callId ?? null, text);
    return events.length;
  });
} else if (mode === 'exporter') {
  const { default: client } = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  metrics = () => registry.metrics();
} else if (mode !== 'ack') throw new Error(`unknown mode ${mode}: commit, ack or exporter`);

/** Each event of a body with its own text: NDJSON lines, or a JSON event or array of events. */
function parse(body, ndjson) {
  const out = [];
  if (ndjson) {
    for (const line of body.split('\n')) if (line !== '') out.push([JSON.parse(line), line]);
    return out;
  }
  const v = JSON.parse(body);
  if (!Array.isArray(v)) return [[v, body]];
  for (const e of v) out.push([e, JSON.stringify(e)]);
  return out;
}

const server = createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/events' && mode !== 'exporter') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const n = commit(parse(body, (req.headers['content-type'] ?? '').includes('ndjson')));
    accepted += n;
    res.setHeader('content-type', 'application/json');
    res.end(`{"accepted":${n}}`);
  } else if (req.url === '/readyz') {
    res.end('ready');
  } else if (req.url === '/metrics') {
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    res.end(await metrics());
  } else {
    res.statusCode = 404;
    res.end();
  }
});
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`floor ${mode} serving on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
