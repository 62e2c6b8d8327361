// The floors of the ingest and Pi benches, each run as a process of its own (never on the load
// generator's event loop): bare node:http answering what a sidecar answers, with the least work.
//   node bench/floor-server.mjs <mode> <port> [db]
// Modes:
// - commit: POST /events parses each event (JSON.parse per NDJSON line, or the JSON body: an event
//   or an array) and commits every one as a plain row to SQLite (WAL, synchronous NORMAL, as the
//   sidecar's store) in one transaction per request, then answers 200 {"accepted": n};
// - ack: parses each event the same way and answers, storing nothing;
// - limit: what the sidecar's schema requires of ingest and nothing more (issue 51): parses each
//   event the same way, folds a request's events per call, then in one transaction a request
//   writes each call once (an upsert of its row keyed by its id as the store keeps it by default,
//   `cid:` and 24 hex digits of HMAC-SHA256 as store/privacy.ts `recordIds`; its destination as a
//   keyed hash) and, for each call that ended, adds it to its hour's rollup row (an upsert). The
//   keyed id lands at a random place in the unique index, as a real Call-ID or UUID does: with the
//   traffic's sequential ids kept raw instead, this server took 3.9-5.4 us an event against
//   7.4-9.8 us keyed (12 runs of 10-12 s each) and 7.7-8.5 us with random UUIDs kept raw (2 runs);
// - exporter: no /events; a prom-client registry with its default metrics at /metrics, what a
//   Node app that exports its own metrics runs.
// Every mode answers GET /readyz 200 once it listens (its database open) and GET /metrics.
import { createServer } from 'node:http';

const [mode, port, dbPath] = process.argv.slice(2);
/** The sidecar's hash key in the benches (servers.mjs SIDECAR_ENV). */
const KEY = 'bench-hash-key-0123456789';

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
} else if (mode === 'limit') {
  const { default: Database } = await import('better-sqlite3');
  const { createHmac } = await import('node:crypto');
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The store's calls table as far as this traffic fills it, with the indexes its reads need
  // (store/sqlite/schema.generated.ts: a row id, the call id unique, first_at, status and first_at).
  const COLUMNS = [
    'call_id',
    'first_at',
    'direction',
    'channel',
    'trunk',
    'to_hash',
    'ringing_at',
    'answered_at',
    'ended_at',
    'status',
    'q850',
    'hangup_by',
    'codec',
    'packets_received',
    'packets_lost',
    'jitter_ms',
    'rtt_ms',
  ];
  db.exec(`CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE,
    ${COLUMNS.slice(1).join(', ')})`);
  db.exec('CREATE INDEX IF NOT EXISTS calls_first_at ON calls (first_at)');
  db.exec('CREATE INDEX IF NOT EXISTS calls_status_first_at ON calls (status, first_at)');
  db.exec(`CREATE TABLE IF NOT EXISTS rollup_hour (hour INTEGER, trunk TEXT, direction TEXT, outcome TEXT,
    calls INTEGER, answered INTEGER, seconds REAL, PRIMARY KEY (hour, trunk, direction, outcome))`);
  // A later request's events fill what an earlier one left empty, as the store's upserts do.
  const upsertCall = db.prepare(
    `INSERT INTO calls (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')}) ` +
      'ON CONFLICT(call_id) DO UPDATE SET ' +
      COLUMNS.slice(1)
        .map((c) => `${c} = coalesce(excluded.${c}, ${c})`)
        .join(', '),
  );
  const upsertRollup = db.prepare(
    `INSERT INTO rollup_hour VALUES (@hour, @trunk, @direction, @outcome, 1, @answered, @seconds)
     ON CONFLICT DO UPDATE SET calls = calls + 1, answered = answered + excluded.answered, seconds = seconds + excluded.seconds`,
  );
  /** A call as a request's events fold it: every column, empty until an event fills it. */
  const call = (id) => ({
    ...Object.fromEntries(COLUMNS.map((c) => [c, null])),
    call_id: `cid:${createHmac('sha256', KEY).update(id).digest('hex').slice(0, 24)}`,
  });
  const write = db.transaction((calls) => {
    for (const c of calls.values()) {
      upsertCall.run(c);
      if (c.ended_at === null) continue;
      const answered = c.answered_at === null ? 0 : 1;
      upsertRollup.run({
        hour: Math.floor(c.ended_at / 3_600_000),
        trunk: c.trunk,
        direction: c.direction,
        outcome: answered ? 'answered' : 'failed',
        answered,
        seconds: answered ? (c.ended_at - c.answered_at) / 1000 : 0,
      });
    }
  });
  commit = (events) => {
    const now = Date.now();
    const calls = new Map();
    for (const [e] of events) {
      if (typeof e.callId !== 'string') continue;
      let c = calls.get(e.callId);
      if (c === undefined) calls.set(e.callId, (c = call(e.callId)));
      if (e.type === 'call.started') {
        c.first_at = now;
        c.status = 'active';
        c.direction = e.direction;
        c.channel = e.channel;
        c.trunk = e.trunk;
        c.to_hash = e.to === undefined ? null : createHmac('sha256', KEY).update(e.to).digest('base64url');
      } else if (e.type === 'sip.response' && e.code >= 180 && e.code < 200) c.ringing_at ??= now;
      else if (e.type === 'call.answered') c.answered_at = now;
      else if (e.type === 'media.report') {
        c.codec = e.codec;
        c.packets_received = e.packetsReceived;
        c.packets_lost = e.packetsLost;
        c.jitter_ms = e.jitterMs;
        c.rtt_ms = e.rttMs;
      } else if (e.type === 'call.ended') {
        c.ended_at = now;
        c.status = c.answered_at === null ? 'failed' : 'answered';
        c.q850 = e.q850 ?? null;
        c.hangup_by = e.hangupBy ?? null;
      }
    }
    write(calls);
    return events.length;
  };
} else if (mode === 'exporter') {
  const { default: client } = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  metrics = () => registry.metrics();
} else if (mode !== 'ack') throw new Error(`unknown mode ${mode}: commit, ack, limit or exporter`);

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
