// Generated from the SQLite migrations by src/store/sqlite/schema-gen.ts (node scripts/gen-docs.mjs):
// do not edit. test/store/sqlite-schema.test.ts fails when it is stale.

/** What migrations 1 to `version` build in a new file, as one script (src/store/sqlite/migrations.ts). */
export const FRESH_SQLITE_SCHEMA = {
  version: 18,
  sql: `CREATE TABLE sms (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        first_at INTEGER NOT NULL,
        direction TEXT, gateway TEXT, segments INTEGER,
        from_hash TEXT, from_masked TEXT, from_raw TEXT, to_hash TEXT, to_masked TEXT, to_raw TEXT,
        received_at INTEGER, sent_at INTEGER, pending_at INTEGER, delivered_at INTEGER,
        failed_at INTEGER, unknown_at INTEGER, status_code INTEGER, failure_reason TEXT,
        status TEXT GENERATED ALWAYS AS (CASE WHEN direction = 'inbound' THEN 'received'
          WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN failed_at IS NOT NULL THEN 'failed'
          WHEN pending_at IS NOT NULL THEN 'pending' WHEN unknown_at IS NOT NULL THEN 'unknown'
          WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'queued' END) STORED,
        latency_ms INTEGER GENERATED ALWAYS AS (CASE WHEN delivered_at IS NOT NULL AND sent_at IS NOT NULL
          THEN MAX(0, delivered_at - sent_at) END) STORED
      , reference TEXT);
CREATE INDEX sms_first_at ON sms (first_at);
CREATE TABLE "calls" (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE,
        first_at INTEGER NOT NULL,
        direction TEXT, channel TEXT, trunk TEXT,
        from_hash TEXT, from_masked TEXT, from_raw TEXT, to_hash TEXT, to_masked TEXT, to_raw TEXT,
        started_at INTEGER, ringing_at INTEGER, answered_at INTEGER, ended_at INTEGER,
        end_status TEXT, sip_code INTEGER, q850 INTEGER, reason TEXT, hangup_by TEXT,
        closed_by_cleanup INTEGER NOT NULL DEFAULT 0,
        transcript INTEGER NOT NULL DEFAULT 0,
        mos REAL, jitter_ms REAL, loss_percent REAL, rtt_ms REAL,
        reason_eff TEXT GENERATED ALWAYS AS (CASE WHEN ended_at IS NULL THEN NULL ELSE COALESCE(reason,
    (CASE WHEN sip_code >= 300 THEN (CASE sip_code WHEN 401 THEN 'auth' WHEN 403 THEN 'rejected' WHEN 404 THEN 'unavailable' WHEN 407 THEN 'auth' WHEN 408 THEN 'timeout' WHEN 410 THEN 'unavailable' WHEN 415 THEN 'codec' WHEN 480 THEN 'no_answer' WHEN 484 THEN 'unavailable' WHEN 486 THEN 'busy' WHEN 487 THEN 'cancelled' WHEN 488 THEN 'codec' WHEN 500 THEN 'network_error' WHEN 502 THEN 'network_error' WHEN 503 THEN 'network_error' WHEN 504 THEN 'network_error' WHEN 600 THEN 'busy' WHEN 603 THEN 'rejected' WHEN 604 THEN 'unavailable' WHEN 606 THEN 'codec' END) END),
    (CASE q850 WHEN 1 THEN 'unavailable' WHEN 3 THEN 'unavailable' WHEN 16 THEN 'normal' WHEN 17 THEN 'busy' WHEN 18 THEN 'no_answer' WHEN 19 THEN 'no_answer' WHEN 20 THEN 'unavailable' WHEN 21 THEN 'rejected' WHEN 22 THEN 'unavailable' WHEN 27 THEN 'unavailable' WHEN 28 THEN 'unavailable' WHEN 31 THEN 'normal' WHEN 34 THEN 'network_error' WHEN 38 THEN 'network_error' WHEN 41 THEN 'network_error' WHEN 42 THEN 'network_error' WHEN 47 THEN 'network_error' WHEN 58 THEN 'codec' WHEN 65 THEN 'codec' WHEN 79 THEN 'codec' WHEN 88 THEN 'codec' WHEN 102 THEN 'timeout' END),
    CASE WHEN sip_code >= 300 THEN 'other' END,
    CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'normal' WHEN hangup_by = 'caller' THEN 'cancelled' ELSE 'other' END) END) STORED,
        status TEXT GENERATED ALWAYS AS (CASE WHEN ended_at IS NULL THEN 'active' WHEN end_status IS NOT NULL THEN end_status
    WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'completed'
    ELSE (CASE reason_eff WHEN 'busy' THEN 'busy' WHEN 'no_answer' THEN 'no_answer' WHEN 'cancelled' THEN 'cancelled' WHEN 'normal' THEN 'cancelled' WHEN 'timeout' THEN 'timeout' ELSE 'failed' END) END) STORED,
        kpi INTEGER GENERATED ALWAYS AS (CASE WHEN ended_at IS NULL THEN 0 ELSE ((CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 689
    WHEN sip_code >= 300 THEN (CASE sip_code WHEN 401 THEN 4864 WHEN 403 THEN 4224 WHEN 404 THEN 4224 WHEN 407 THEN 4864 WHEN 408 THEN 3264 WHEN 410 THEN 4224 WHEN 415 THEN 4224 WHEN 480 THEN 1696 WHEN 484 THEN 4224 WHEN 486 THEN 1184 WHEN 487 THEN 3712 WHEN 488 THEN 4224 WHEN 500 THEN 3264 WHEN 502 THEN 4224 WHEN 503 THEN 3264 WHEN 504 THEN 3264 WHEN 600 THEN 1184 WHEN 603 THEN 2208 WHEN 604 THEN 4224 WHEN 606 THEN 4224 ELSE (CASE WHEN sip_code < 400 THEN 2696 ELSE 4224 END) END)
    WHEN reason IS NOT NULL THEN (CASE reason WHEN 'busy' THEN 1184 WHEN 'no_answer' THEN 1696 WHEN 'rejected' THEN 2208 WHEN 'cancelled' THEN 3712 WHEN 'normal' THEN 3712 WHEN 'timeout' THEN 3264 ELSE 4224 END)
    WHEN q850 IS NOT NULL THEN (CASE q850 WHEN 16 THEN 3712 WHEN 17 THEN 1184 WHEN 18 THEN 3264 WHEN 19 THEN 1696 WHEN 20 THEN 1696 WHEN 31 THEN 3712 WHEN 34 THEN 3264 WHEN 38 THEN 3264 WHEN 41 THEN 3264 WHEN 42 THEN 3264 WHEN 47 THEN 3264 WHEN 58 THEN 3264 WHEN 88 THEN 3264 WHEN 102 THEN 3264 WHEN 111 THEN 3264 WHEN 127 THEN 3264 ELSE 4224 END)
    WHEN end_status IS NOT NULL THEN (CASE end_status WHEN 'completed' THEN 689 WHEN 'failed' THEN 4224 WHEN 'busy' THEN 1184 WHEN 'no_answer' THEN 1696 WHEN 'cancelled' THEN 3712 WHEN 'timeout' THEN 3264 ELSE 4224 END)
    WHEN hangup_by = 'caller' THEN 3712
    ELSE 4224 END) | (CASE COALESCE(q850, (CASE sip_code WHEN 200 THEN 16 WHEN 480 THEN 18 WHEN 486 THEN 17 WHEN 600 THEN 17 WHEN 603 THEN 21 END),
    CASE WHEN sip_code IS NULL THEN (CASE COALESCE(reason, CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'normal' END) WHEN 'normal' THEN 16 WHEN 'busy' THEN 17 WHEN 'no_answer' THEN 18 WHEN 'rejected' THEN 21 END) END) WHEN 16 THEN 2 WHEN 17 THEN 2 WHEN 18 THEN 2 WHEN 19 THEN 2 WHEN 21 THEN 2 ELSE 0 END) | (CASE WHEN channel = 'sip' OR channel = 'webrtc' THEN 4 ELSE 0 END)) END) STORED,
        duration_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND started_at IS NOT NULL THEN MAX(0, ended_at - started_at) END) STORED,
        talk_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND answered_at IS NOT NULL THEN MAX(0, ended_at - answered_at) END) STORED,
        pdd_ms INTEGER GENERATED ALWAYS AS (CASE WHEN ringing_at IS NOT NULL AND started_at IS NOT NULL
          THEN MAX(0, ringing_at - started_at) END) STORED
      , agent_turns INTEGER, agent_silence_p50_ms REAL, agent_silence_p95_ms REAL, agent_interruptions INTEGER, agent_dead_air INTEGER, agent_talk_ms REAL, agent_listen_ms REAL, sip_flow TEXT, c2e_mos REAL, c2e_jitter_ms REAL, c2e_loss_percent REAL, c2e_rtt_ms REAL, c2e_codec TEXT, e2c_mos REAL, e2c_jitter_ms REAL, e2c_loss_percent REAL, e2c_rtt_ms REAL, e2c_codec TEXT, agent_turn_list TEXT, end_to_end_id TEXT, amd_category TEXT, amd_at INTEGER, cost_currency TEXT, cost_ai REAL, cost_llm REAL, cost_stt REAL, cost_tts REAL, cost_reports INTEGER, cost_unpriced INTEGER, carrier_currency TEXT, carrier_per_minute REAL, carrier_increment_s INTEGER);
CREATE INDEX calls_first_at ON calls (first_at);
CREATE INDEX calls_status_first_at ON calls (status, first_at);
CREATE INDEX sms_gateway_reference ON sms (gateway, reference, sent_at);
CREATE TABLE call_rollup_10m (t BIGINT NOT NULL, status TEXT NOT NULL, kpi INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, failure TEXT NOT NULL, n BIGINT NOT NULL, talk_count BIGINT NOT NULL, talk_sum BIGINT NOT NULL, pdd_count BIGINT NOT NULL, pdd_sum BIGINT NOT NULL, dur_count BIGINT NOT NULL, dur_sum BIGINT NOT NULL, transcripts BIGINT NOT NULL, media_count BIGINT NOT NULL, mos_sum REAL NOT NULL, jitter_sum REAL NOT NULL, loss_sum REAL NOT NULL, dur_min BIGINT, dur_max BIGINT,
      PRIMARY KEY (t, status, kpi, direction, channel, trunk, failure)) WITHOUT ROWID;
CREATE TABLE call_duration_10m (t BIGINT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, b INTEGER NOT NULL, n BIGINT NOT NULL,
      PRIMARY KEY (t, direction, channel, trunk, b)) WITHOUT ROWID;
CREATE TABLE call_rollup_hour (t BIGINT NOT NULL, status TEXT NOT NULL, kpi INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, failure TEXT NOT NULL, n BIGINT NOT NULL, talk_count BIGINT NOT NULL, talk_sum BIGINT NOT NULL, pdd_count BIGINT NOT NULL, pdd_sum BIGINT NOT NULL, dur_count BIGINT NOT NULL, dur_sum BIGINT NOT NULL, transcripts BIGINT NOT NULL, media_count BIGINT NOT NULL, mos_sum REAL NOT NULL, jitter_sum REAL NOT NULL, loss_sum REAL NOT NULL, dur_min BIGINT, dur_max BIGINT,
      PRIMARY KEY (t, status, kpi, direction, channel, trunk, failure)) WITHOUT ROWID;
CREATE TABLE call_duration_hour (t BIGINT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, b INTEGER NOT NULL, n BIGINT NOT NULL,
      PRIMARY KEY (t, direction, channel, trunk, b)) WITHOUT ROWID;
CREATE TABLE call_rollup_day (t BIGINT NOT NULL, status TEXT NOT NULL, kpi INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, failure TEXT NOT NULL, n BIGINT NOT NULL, talk_count BIGINT NOT NULL, talk_sum BIGINT NOT NULL, pdd_count BIGINT NOT NULL, pdd_sum BIGINT NOT NULL, dur_count BIGINT NOT NULL, dur_sum BIGINT NOT NULL, transcripts BIGINT NOT NULL, media_count BIGINT NOT NULL, mos_sum REAL NOT NULL, jitter_sum REAL NOT NULL, loss_sum REAL NOT NULL, dur_min BIGINT, dur_max BIGINT,
      PRIMARY KEY (t, status, kpi, direction, channel, trunk, failure)) WITHOUT ROWID;
CREATE TABLE call_duration_day (t BIGINT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, trunk TEXT NOT NULL, b INTEGER NOT NULL, n BIGINT NOT NULL,
      PRIMARY KEY (t, direction, channel, trunk, b)) WITHOUT ROWID;
CREATE TABLE rollup_dirty (t INTEGER PRIMARY KEY);
CREATE TABLE rollup_add (id INTEGER PRIMARY KEY);
CREATE TABLE rollup_remove (id INTEGER PRIMARY KEY, first_at, status, kpi, direction, channel, trunk, reason_eff, talk_ms, pdd_ms, duration_ms, transcript, mos, jitter_ms, loss_percent);
CREATE INDEX call_rollup_hour_all ON call_rollup_hour (t, status, kpi, n, talk_count, talk_sum, pdd_count, pdd_sum, dur_count, dur_sum, transcripts, media_count, mos_sum, jitter_sum, loss_sum, dur_min, dur_max)
      WHERE direction = '';
CREATE INDEX call_duration_hour_all ON call_duration_hour (t, b, n) WHERE direction = '';
CREATE INDEX call_rollup_day_all ON call_rollup_day (t, status, kpi, n, talk_count, talk_sum, pdd_count, pdd_sum, dur_count, dur_sum, transcripts, media_count, mos_sum, jitter_sum, loss_sum, dur_min, dur_max)
      WHERE direction = '';
CREATE INDEX call_duration_day_all ON call_duration_day (t, b, n) WHERE direction = '';
CREATE TABLE sidetone_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE modem_samples (
        modem TEXT NOT NULL,
        at INTEGER NOT NULL,
        connected INTEGER,
        registered INTEGER,
        signal_dbm REAL,
        rsrp_dbm REAL,
        reconnects INTEGER NOT NULL,
        flapping INTEGER NOT NULL,
        PRIMARY KEY (modem, at)
      ) WITHOUT ROWID;
CREATE INDEX modem_samples_at ON modem_samples (at);
CREATE TABLE event_ids (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX calls_end_to_end_id ON calls (end_to_end_id) WHERE end_to_end_id IS NOT NULL;
CREATE INDEX calls_end_to_end_first_at ON calls (first_at) WHERE end_to_end_id IS NOT NULL;
`,
} as const;
