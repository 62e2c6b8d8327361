// Generated from the configuration JSON Schema by scripts/gen-config.mjs (node scripts/gen-docs.mjs):
// do not edit. test/config/fast.test.ts fails when it is stale.
import { CONFIG_FNS, crossFieldIssues } from './checks.js';
import type { SidetoneConfig } from './schema.js';

type Rec = Record<string, unknown>;
/** "No": the schema might reject the value, or change it in a way this does not model. */
const NO = Symbol('no');
/** Code points, as JSON Schema and zod count a string's length. */
const codePoints = (s: string): number => Array.from(s).length;

const K0 = new Set(["server","log","auth","health","metrics","packs","labels","voiceai","otlp_receiver","store","otel","push","hep","cluster","modem","demo","alerts"]);
const K1 = new Set(["host","port","body_limit_bytes","headers_timeout_ms","request_timeout_ms","keep_alive_timeout_ms","max_concurrent_scrapes"]);
const K2 = new Set(["level","format","file"]);
const K3 = new Set<unknown>(["trace","debug","info","warn","error","fatal","silent"]);
const K4 = new Set<unknown>(["auto","json","pretty"]);
const K5 = new Set(["scrape_tokens","scrape_tokens_file","ingest_tokens","ingest_tokens_file","admin_tokens","admin_tokens_file","basic_users","basic_users_file"]);
const K6 = /^[\x21-\x7e]+$/;
const K7 = new Set(["username","password"]);
const K8 = /^[^:\s]+$/;
const K9 = new Set(["liveness_path","readiness_path","compat_healthz","protect","source_silence_seconds","port"]);
const K10 = /^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*)?$/;
const K11 = new Set(["enabled","path","prefix","max_series","gzip","native_histograms","collection_interval_seconds","created_timestamps"]);
const K12 = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const K13 = new Set(["sms","ussd","modem","calls","trunks","sip","media","voiceai","pbx","sim"]);
const K14 = new Set(["trunks","operators","modems","queues","agents","models"]);
const K15 = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const K16 = /^[A-Za-z0-9][A-Za-z0-9 ._&'+-]{0,63}$/;
const K17 = new Set(["dead_air_seconds","prices"]);
const K18 = new Set(["call_id_attributes","max_traces","max_spans","idle_seconds","max_body_bytes","max_in_flight"]);
const K19 = /^[A-Za-z0-9_.:-]{1,128}$/;
const K20 = new Set(["path","url","instance","hash_key","hash_key_file","store_raw_numbers","reveal_call_ids","retention_days","zombie_max_seconds","threads","writer_thread","checkpoint_thread","max_pending_updates","stuck_seconds","connect_timeout_ms","statement_timeout_ms"]);
const K21 = /^postgres(ql)?:\/\/./;
const K22 = /^[A-Za-z0-9_.:-]{1,64}$/;
const K23 = new Set<unknown>(["auto","always","never"]);
const K24 = new Set(["endpoint","protocol","service_name","sample_ratio","export_metrics","log_trace_id","queue_max_spans","shutdown_timeout_ms"]);
const K25 = new Set<unknown>(["grpc","http"]);
const K26 = new Set(["remote_write_url","interval_seconds","timeout_ms","bearer_token","bearer_token_file","username","password","queue_dir","queue_max_bytes","job","instance","external_labels"]);
const K27 = /^[\x20-\x7e]{1,128}$/;
const K28 = new Set(["listen","timer_b_ms","reorder_window_ms","max_clock_skew_ms","media_timeout_ms","flow_sample","leg_correlation","forward","forward_queue_max","max_calls","tcp_max_connections","tcp_idle_timeout_ms","udp_receive_buffer_bytes","password","trunks"]);
const K29 = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):\d{1,5}\/?$/;
const K30 = /^[A-Za-z0-9-]{1,64}$/;
const K31 = new Set(["name","cidrs","header","value"]);
const K32 = new Set(["nats_url","partitions","node_id","max_lag"]);
const K33 = /^nats:\/\/[^\s/]+(:\d{1,5})?(,nats:\/\/[^\s/]+(:\d{1,5})?)*$/;
const K34 = new Set(["path","mode","baud_rate","poll_seconds","command_timeout_ms","flapping_reconnects","flapping_window_seconds"]);
const K35 = new Set<unknown>(["auto","full","shared"]);
const K36 = new Set(["rate","seed","backfill_hours","scenario"]);
const K37 = new Set<unknown>(["trunk-outage","modem-flap","sms-delivery-stall","signal-drop","leaky-app","voice-agent-slow-llm","answering-machine"]);
const K38 = new Set(["job","runbook_url","heartbeat_max_age_seconds","signal_min_dbm","sms_failure_ratio","sms_pending_max_seconds","asr_drop_points","ner_drop_points","ner_min_percent","kpi_min_attempts","mos_min","scrape_slow_seconds","voice_silence_p95_seconds","voice_dead_air_ratio","voice_min_turns","human_connect_min_ratio"]);
const K39 = /^https?:\/\/[^\s"#/]+\/[^\s"#]*$/;

function f0(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 1 ? v : NO;
}
function f1(v: unknown): unknown {
return v === undefined ? "127.0.0.1" : f0(v);
}
function f2(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 65535 ? v : NO;
}
function f3(v: unknown): unknown {
return v === undefined ? 9464 : f2(v);
}
function f4(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1024 && v <= 67108864 ? v : NO;
}
function f5(v: unknown): unknown {
return v === undefined ? 1048576 : f4(v);
}
function f6(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 600000 ? v : NO;
}
function f7(v: unknown): unknown {
return v === undefined ? 10000 : f6(v);
}
function f8(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 3600000 ? v : NO;
}
function f9(v: unknown): unknown {
return v === undefined ? 30000 : f8(v);
}
function f10(v: unknown): unknown {
return v === undefined ? 5000 : f6(v);
}
function f11(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 64 ? v : NO;
}
function f12(v: unknown): unknown {
return v === undefined ? 4 : f11(v);
}
function f13(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K1.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f1(o["host"]); if (r === NO) return NO; if (r !== undefined) out["host"] = r;
r = f3(o["port"]); if (r === NO) return NO; if (r !== undefined) out["port"] = r;
r = f5(o["body_limit_bytes"]); if (r === NO) return NO; if (r !== undefined) out["body_limit_bytes"] = r;
r = f7(o["headers_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["headers_timeout_ms"] = r;
r = f9(o["request_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["request_timeout_ms"] = r;
r = f10(o["keep_alive_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["keep_alive_timeout_ms"] = r;
r = f12(o["max_concurrent_scrapes"]); if (r === NO) return NO; if (r !== undefined) out["max_concurrent_scrapes"] = r;
return out;
}
function f14(v: unknown): unknown {
return f13(v === undefined ? {} : v);
}
function f15(v: unknown): unknown {
return K3.has(v) ? v : NO;
}
function f16(v: unknown): unknown {
return v === undefined ? "info" : f15(v);
}
function f17(v: unknown): unknown {
return K4.has(v) ? v : NO;
}
function f18(v: unknown): unknown {
return v === undefined ? "auto" : f17(v);
}
function f19(v: unknown): unknown {
return v === undefined ? undefined : f0(v);
}
function f20(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K2.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f16(o["level"]); if (r === NO) return NO; if (r !== undefined) out["level"] = r;
r = f18(o["format"]); if (r === NO) return NO; if (r !== undefined) out["format"] = r;
r = f19(o["file"]); if (r === NO) return NO; if (r !== undefined) out["file"] = r;
return out;
}
function f21(v: unknown): unknown {
return f20(v === undefined ? {} : v);
}
function f22(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 16 && K6.test(v) ? v : NO;
}
function f23(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f22(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f24(v: unknown): unknown {
return v === undefined ? [] : f23(v);
}
function f25(v: unknown): unknown {
return typeof v === 'string' && K8.test(v) ? v : NO;
}
function f26(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 12 ? v : NO;
}
function f27(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K7.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f25(o["username"]); if (r === NO) return NO; if (r !== undefined) out["username"] = r;
r = f26(o["password"]); if (r === NO) return NO; if (r !== undefined) out["password"] = r;
return out;
}
function f28(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f27(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f29(v: unknown): unknown {
return v === undefined ? [] : f28(v);
}
function f30(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K5.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f24(o["scrape_tokens"]); if (r === NO) return NO; if (r !== undefined) out["scrape_tokens"] = r;
r = f19(o["scrape_tokens_file"]); if (r === NO) return NO; if (r !== undefined) out["scrape_tokens_file"] = r;
r = f24(o["ingest_tokens"]); if (r === NO) return NO; if (r !== undefined) out["ingest_tokens"] = r;
r = f19(o["ingest_tokens_file"]); if (r === NO) return NO; if (r !== undefined) out["ingest_tokens_file"] = r;
r = f24(o["admin_tokens"]); if (r === NO) return NO; if (r !== undefined) out["admin_tokens"] = r;
r = f19(o["admin_tokens_file"]); if (r === NO) return NO; if (r !== undefined) out["admin_tokens_file"] = r;
r = f29(o["basic_users"]); if (r === NO) return NO; if (r !== undefined) out["basic_users"] = r;
r = f19(o["basic_users_file"]); if (r === NO) return NO; if (r !== undefined) out["basic_users_file"] = r;
return out;
}
function f31(v: unknown): unknown {
return f30(v === undefined ? {} : v);
}
function f32(v: unknown): unknown {
return typeof v === 'string' && K10.test(v) ? v : NO;
}
function f33(v: unknown): unknown {
return v === undefined ? "/healthz" : f32(v);
}
function f34(v: unknown): unknown {
return v === undefined ? "/readyz" : f32(v);
}
function f35(v: unknown): unknown {
return typeof v === 'boolean' ? v : NO;
}
function f36(v: unknown): unknown {
return v === undefined ? false : f35(v);
}
function f37(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 86400 ? v : NO;
}
function f38(v: unknown): unknown {
return v === undefined ? 0 : f37(v);
}
function f39(v: unknown): unknown {
return v === undefined ? undefined : f2(v);
}
function f40(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K9.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f33(o["liveness_path"]); if (r === NO) return NO; if (r !== undefined) out["liveness_path"] = r;
r = f34(o["readiness_path"]); if (r === NO) return NO; if (r !== undefined) out["readiness_path"] = r;
r = f36(o["compat_healthz"]); if (r === NO) return NO; if (r !== undefined) out["compat_healthz"] = r;
r = f36(o["protect"]); if (r === NO) return NO; if (r !== undefined) out["protect"] = r;
r = f38(o["source_silence_seconds"]); if (r === NO) return NO; if (r !== undefined) out["source_silence_seconds"] = r;
r = f39(o["port"]); if (r === NO) return NO; if (r !== undefined) out["port"] = r;
return out;
}
function f41(v: unknown): unknown {
return f40(v === undefined ? {} : v);
}
function f42(v: unknown): unknown {
return v === undefined ? true : f35(v);
}
function f43(v: unknown): unknown {
return v === undefined ? "/metrics" : f32(v);
}
function f44(v: unknown): unknown {
return typeof v === 'string' && K12.test(v) ? v : NO;
}
function f45(v: unknown): unknown {
return v === undefined ? "sidetone" : f44(v);
}
function f46(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 10 && v <= 1000000 ? v : NO;
}
function f47(v: unknown): unknown {
return v === undefined ? 2000 : f46(v);
}
function f48(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 3600 ? v : NO;
}
function f49(v: unknown): unknown {
return v === undefined ? 0 : f48(v);
}
function f50(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K11.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f42(o["enabled"]); if (r === NO) return NO; if (r !== undefined) out["enabled"] = r;
r = f43(o["path"]); if (r === NO) return NO; if (r !== undefined) out["path"] = r;
r = f45(o["prefix"]); if (r === NO) return NO; if (r !== undefined) out["prefix"] = r;
r = f47(o["max_series"]); if (r === NO) return NO; if (r !== undefined) out["max_series"] = r;
r = f42(o["gzip"]); if (r === NO) return NO; if (r !== undefined) out["gzip"] = r;
r = f36(o["native_histograms"]); if (r === NO) return NO; if (r !== undefined) out["native_histograms"] = r;
r = f49(o["collection_interval_seconds"]); if (r === NO) return NO; if (r !== undefined) out["collection_interval_seconds"] = r;
r = f36(o["created_timestamps"]); if (r === NO) return NO; if (r !== undefined) out["created_timestamps"] = r;
return out;
}
function f51(v: unknown): unknown {
return f50(v === undefined ? {} : v);
}
function f52(v: unknown): unknown {
return v === undefined ? undefined : f35(v);
}
function f53(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K13.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f52(o["sms"]); if (r === NO) return NO; if (r !== undefined) out["sms"] = r;
r = f52(o["ussd"]); if (r === NO) return NO; if (r !== undefined) out["ussd"] = r;
r = f52(o["modem"]); if (r === NO) return NO; if (r !== undefined) out["modem"] = r;
r = f52(o["calls"]); if (r === NO) return NO; if (r !== undefined) out["calls"] = r;
r = f52(o["trunks"]); if (r === NO) return NO; if (r !== undefined) out["trunks"] = r;
r = f52(o["sip"]); if (r === NO) return NO; if (r !== undefined) out["sip"] = r;
r = f52(o["media"]); if (r === NO) return NO; if (r !== undefined) out["media"] = r;
r = f52(o["voiceai"]); if (r === NO) return NO; if (r !== undefined) out["voiceai"] = r;
r = f52(o["pbx"]); if (r === NO) return NO; if (r !== undefined) out["pbx"] = r;
r = f52(o["sim"]); if (r === NO) return NO; if (r !== undefined) out["sim"] = r;
return out;
}
function f54(v: unknown): unknown {
return f53(v === undefined ? {} : v);
}
function f55(v: unknown): unknown {
return typeof v === 'string' && K15.test(v) ? v : NO;
}
function f56(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f55(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f57(v: unknown): unknown {
return v === undefined ? [] : f56(v);
}
function f58(v: unknown): unknown {
return typeof v === 'string' && K16.test(v) ? v : NO;
}
function f59(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f58(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f60(v: unknown): unknown {
return v === undefined ? [] : f59(v);
}
function f61(v: unknown): unknown {
const a = f57(v);
return a === NO ? NO : CONFIG_FNS.modemsOrDefault(a as never);
}
function f62(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K14.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f57(o["trunks"]); if (r === NO) return NO; if (r !== undefined) out["trunks"] = r;
r = f60(o["operators"]); if (r === NO) return NO; if (r !== undefined) out["operators"] = r;
r = f61(o["modems"]); if (r === NO) return NO; if (r !== undefined) out["modems"] = r;
r = f57(o["queues"]); if (r === NO) return NO; if (r !== undefined) out["queues"] = r;
r = f57(o["agents"]); if (r === NO) return NO; if (r !== undefined) out["agents"] = r;
r = f57(o["models"]); if (r === NO) return NO; if (r !== undefined) out["models"] = r;
return out;
}
function f63(v: unknown): unknown {
return f62(v === undefined ? {} : v);
}
function f64(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0.5 && v <= 60 ? v : NO;
}
function f65(v: unknown): unknown {
return v === undefined ? 3 : f64(v);
}
function f66(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K17.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f65(o["dead_air_seconds"]); if (r === NO) return NO; if (r !== undefined) out["dead_air_seconds"] = r;
r = f19(o["prices"]); if (r === NO) return NO; if (r !== undefined) out["prices"] = r;
return out;
}
function f67(v: unknown): unknown {
return f66(v === undefined ? {} : v);
}
function f68(v: unknown): unknown {
return typeof v === 'string' && K19.test(v) ? v : NO;
}
function f69(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f68(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f70(v: unknown): unknown {
return v === undefined ? ["sidetone.call_id"] : f69(v);
}
function f71(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000000 ? v : NO;
}
function f72(v: unknown): unknown {
return v === undefined ? 1000 : f71(v);
}
function f73(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 10000000 ? v : NO;
}
function f74(v: unknown): unknown {
return v === undefined ? 20000 : f73(v);
}
function f75(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 10 && v <= 86400 ? v : NO;
}
function f76(v: unknown): unknown {
return v === undefined ? 300 : f75(v);
}
function f77(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1024 && v <= 268435456 ? v : NO;
}
function f78(v: unknown): unknown {
return v === undefined ? 16777216 : f77(v);
}
function f79(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K18.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f70(o["call_id_attributes"]); if (r === NO) return NO; if (r !== undefined) out["call_id_attributes"] = r;
r = f72(o["max_traces"]); if (r === NO) return NO; if (r !== undefined) out["max_traces"] = r;
r = f74(o["max_spans"]); if (r === NO) return NO; if (r !== undefined) out["max_spans"] = r;
r = f76(o["idle_seconds"]); if (r === NO) return NO; if (r !== undefined) out["idle_seconds"] = r;
r = f78(o["max_body_bytes"]); if (r === NO) return NO; if (r !== undefined) out["max_body_bytes"] = r;
r = f12(o["max_in_flight"]); if (r === NO) return NO; if (r !== undefined) out["max_in_flight"] = r;
return out;
}
function f80(v: unknown): unknown {
return f79(v === undefined ? {} : v);
}
function f81(v: unknown): unknown {
return v === undefined ? "sidetone.db" : f0(v);
}
function f82(v: unknown): unknown {
return typeof v === 'string' && K21.test(v) ? v : NO;
}
function f83(v: unknown): unknown {
return v === undefined ? undefined : f82(v);
}
function f84(v: unknown): unknown {
return typeof v === 'string' && K22.test(v) ? v : NO;
}
function f85(v: unknown): unknown {
return v === undefined ? undefined : f84(v);
}
function f86(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 16 ? v : NO;
}
function f87(v: unknown): unknown {
return v === undefined ? undefined : f86(v);
}
function f88(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 3650 ? v : NO;
}
function f89(v: unknown): unknown {
return v === undefined ? 90 : f88(v);
}
function f90(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 60 && v <= 604800 ? v : NO;
}
function f91(v: unknown): unknown {
return v === undefined ? 14400 : f90(v);
}
function f92(v: unknown): unknown {
return K23.has(v) ? v : NO;
}
function f93(v: unknown): unknown {
return v === undefined ? undefined : f92(v);
}
function f94(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1000 && v <= 10000000 ? v : NO;
}
function f95(v: unknown): unknown {
return v === undefined ? 100000 : f94(v);
}
function f96(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 3600 ? v : NO;
}
function f97(v: unknown): unknown {
return v === undefined ? 10 : f96(v);
}
function f98(v: unknown): unknown {
return v === undefined ? 10000 : f8(v);
}
function f99(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K20.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f81(o["path"]); if (r === NO) return NO; if (r !== undefined) out["path"] = r;
r = f83(o["url"]); if (r === NO) return NO; if (r !== undefined) out["url"] = r;
r = f85(o["instance"]); if (r === NO) return NO; if (r !== undefined) out["instance"] = r;
r = f87(o["hash_key"]); if (r === NO) return NO; if (r !== undefined) out["hash_key"] = r;
r = f19(o["hash_key_file"]); if (r === NO) return NO; if (r !== undefined) out["hash_key_file"] = r;
r = f36(o["store_raw_numbers"]); if (r === NO) return NO; if (r !== undefined) out["store_raw_numbers"] = r;
r = f36(o["reveal_call_ids"]); if (r === NO) return NO; if (r !== undefined) out["reveal_call_ids"] = r;
r = f89(o["retention_days"]); if (r === NO) return NO; if (r !== undefined) out["retention_days"] = r;
r = f91(o["zombie_max_seconds"]); if (r === NO) return NO; if (r !== undefined) out["zombie_max_seconds"] = r;
r = f93(o["threads"]); if (r === NO) return NO; if (r !== undefined) out["threads"] = r;
r = f52(o["writer_thread"]); if (r === NO) return NO; if (r !== undefined) out["writer_thread"] = r;
r = f52(o["checkpoint_thread"]); if (r === NO) return NO; if (r !== undefined) out["checkpoint_thread"] = r;
r = f95(o["max_pending_updates"]); if (r === NO) return NO; if (r !== undefined) out["max_pending_updates"] = r;
r = f97(o["stuck_seconds"]); if (r === NO) return NO; if (r !== undefined) out["stuck_seconds"] = r;
r = f10(o["connect_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["connect_timeout_ms"] = r;
r = f98(o["statement_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["statement_timeout_ms"] = r;
return out;
}
function f100(v: unknown): unknown {
return f99(v === undefined ? {} : v);
}
function f101(v: unknown): unknown {
return NO;
}
function f102(v: unknown): unknown {
return v === undefined ? undefined : f101(v);
}
function f103(v: unknown): unknown {
return K25.has(v) ? v : NO;
}
function f104(v: unknown): unknown {
return v === undefined ? undefined : f103(v);
}
function f105(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 1 && codePoints(v) <= 128 ? v : NO;
}
function f106(v: unknown): unknown {
return v === undefined ? undefined : f105(v);
}
function f107(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : NO;
}
function f108(v: unknown): unknown {
return v === undefined ? undefined : f107(v);
}
function f109(v: unknown): unknown {
return v === undefined ? undefined : f71(v);
}
function f110(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 60000 ? v : NO;
}
function f111(v: unknown): unknown {
return v === undefined ? 2000 : f110(v);
}
function f112(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K24.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f102(o["endpoint"]); if (r === NO) return NO; if (r !== undefined) out["endpoint"] = r;
r = f104(o["protocol"]); if (r === NO) return NO; if (r !== undefined) out["protocol"] = r;
r = f106(o["service_name"]); if (r === NO) return NO; if (r !== undefined) out["service_name"] = r;
r = f108(o["sample_ratio"]); if (r === NO) return NO; if (r !== undefined) out["sample_ratio"] = r;
r = f36(o["export_metrics"]); if (r === NO) return NO; if (r !== undefined) out["export_metrics"] = r;
r = f42(o["log_trace_id"]); if (r === NO) return NO; if (r !== undefined) out["log_trace_id"] = r;
r = f109(o["queue_max_spans"]); if (r === NO) return NO; if (r !== undefined) out["queue_max_spans"] = r;
r = f111(o["shutdown_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["shutdown_timeout_ms"] = r;
return out;
}
function f113(v: unknown): unknown {
return f112(v === undefined ? {} : v);
}
function f114(v: unknown): unknown {
return v === undefined ? 15 : f96(v);
}
function f115(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 120000 ? v : NO;
}
function f116(v: unknown): unknown {
return v === undefined ? 10000 : f115(v);
}
function f117(v: unknown): unknown {
return v === undefined ? undefined : f22(v);
}
function f118(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 65536 && v <= 17179869184 ? v : NO;
}
function f119(v: unknown): unknown {
return v === undefined ? 67108864 : f118(v);
}
function f120(v: unknown): unknown {
return typeof v === 'string' && K27.test(v) && CONFIG_FNS.noPii(v as never) ? v : NO;
}
function f121(v: unknown): unknown {
return v === undefined ? undefined : f120(v);
}
function f122(v: unknown): unknown {
return v === undefined ? {} : f101(v);
}
function f123(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K26.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f102(o["remote_write_url"]); if (r === NO) return NO; if (r !== undefined) out["remote_write_url"] = r;
r = f114(o["interval_seconds"]); if (r === NO) return NO; if (r !== undefined) out["interval_seconds"] = r;
r = f116(o["timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["timeout_ms"] = r;
r = f117(o["bearer_token"]); if (r === NO) return NO; if (r !== undefined) out["bearer_token"] = r;
r = f19(o["bearer_token_file"]); if (r === NO) return NO; if (r !== undefined) out["bearer_token_file"] = r;
r = f19(o["username"]); if (r === NO) return NO; if (r !== undefined) out["username"] = r;
r = f19(o["password"]); if (r === NO) return NO; if (r !== undefined) out["password"] = r;
r = f19(o["queue_dir"]); if (r === NO) return NO; if (r !== undefined) out["queue_dir"] = r;
r = f119(o["queue_max_bytes"]); if (r === NO) return NO; if (r !== undefined) out["queue_max_bytes"] = r;
r = f121(o["job"]); if (r === NO) return NO; if (r !== undefined) out["job"] = r;
r = f121(o["instance"]); if (r === NO) return NO; if (r !== undefined) out["instance"] = r;
r = f122(o["external_labels"]); if (r === NO) return NO; if (r !== undefined) out["external_labels"] = r;
return out;
}
function f124(v: unknown): unknown {
return f123(v === undefined ? {} : v);
}
function f125(v: unknown): unknown {
return typeof v === 'string' && K29.test(v) ? v : NO;
}
function f126(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f125(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f127(v: unknown): unknown {
return v === undefined ? [] : f126(v);
}
function f128(v: unknown): unknown {
return v === undefined ? 32000 : f6(v);
}
function f129(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 10000 ? v : NO;
}
function f130(v: unknown): unknown {
return v === undefined ? 200 : f129(v);
}
function f131(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1000 && v <= 86400000 ? v : NO;
}
function f132(v: unknown): unknown {
return v === undefined ? 300000 : f131(v);
}
function f133(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 600000 ? v : NO;
}
function f134(v: unknown): unknown {
return v === undefined ? 15000 : f133(v);
}
function f135(v: unknown): unknown {
return v === undefined ? 0.1 : f107(v);
}
function f136(v: unknown): unknown {
return typeof v === 'string' && K30.test(v) ? v : NO;
}
function f137(v: unknown): unknown {
if (!Array.isArray(v) || v.length > 8) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f136(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f138(v: unknown): unknown {
return v === undefined ? [] : f137(v);
}
function f139(v: unknown): unknown {
if (!Array.isArray(v) || v.length > 8) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f125(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f140(v: unknown): unknown {
return v === undefined ? [] : f139(v);
}
function f141(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 16 && v <= 1000000 ? v : NO;
}
function f142(v: unknown): unknown {
return v === undefined ? 10000 : f141(v);
}
function f143(v: unknown): unknown {
return v === undefined ? 100000 : f73(v);
}
function f144(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 65535 ? v : NO;
}
function f145(v: unknown): unknown {
return v === undefined ? 256 : f144(v);
}
function f146(v: unknown): unknown {
return v === undefined ? 600000 : f131(v);
}
function f147(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 4096 && v <= 1073741824 ? v : NO;
}
function f148(v: unknown): unknown {
return v === undefined ? 4194304 : f147(v);
}
function f149(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) >= 1 && codePoints(v) <= 256 ? v : NO;
}
function f150(v: unknown): unknown {
return v === undefined ? undefined : f149(v);
}
function f151(v: unknown): unknown {
return typeof v === 'string' && CONFIG_FNS.isCidr(v as never) ? v : NO;
}
function f152(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f151(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f153(v: unknown): unknown {
return v === undefined ? undefined : f152(v);
}
function f154(v: unknown): unknown {
return v === undefined ? undefined : f136(v);
}
function f155(v: unknown): unknown {
return typeof v === 'string' && codePoints(v) <= 256 ? v : NO;
}
function f156(v: unknown): unknown {
return v === undefined ? undefined : f155(v);
}
function f157(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K31.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f55(o["name"]); if (r === NO) return NO; if (r !== undefined) out["name"] = r;
r = f153(o["cidrs"]); if (r === NO) return NO; if (r !== undefined) out["cidrs"] = r;
r = f154(o["header"]); if (r === NO) return NO; if (r !== undefined) out["header"] = r;
r = f156(o["value"]); if (r === NO) return NO; if (r !== undefined) out["value"] = r;
return out;
}
function f158(v: unknown): unknown {
if (!Array.isArray(v)) return NO;
const out: unknown[] = [];
for (const x of v) { const r = f157(x); if (r === NO) return NO; out.push(r); }
return out;
}
function f159(v: unknown): unknown {
return v === undefined ? [] : f158(v);
}
function f160(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K28.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f127(o["listen"]); if (r === NO) return NO; if (r !== undefined) out["listen"] = r;
r = f128(o["timer_b_ms"]); if (r === NO) return NO; if (r !== undefined) out["timer_b_ms"] = r;
r = f130(o["reorder_window_ms"]); if (r === NO) return NO; if (r !== undefined) out["reorder_window_ms"] = r;
r = f132(o["max_clock_skew_ms"]); if (r === NO) return NO; if (r !== undefined) out["max_clock_skew_ms"] = r;
r = f134(o["media_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["media_timeout_ms"] = r;
r = f135(o["flow_sample"]); if (r === NO) return NO; if (r !== undefined) out["flow_sample"] = r;
r = f138(o["leg_correlation"]); if (r === NO) return NO; if (r !== undefined) out["leg_correlation"] = r;
r = f140(o["forward"]); if (r === NO) return NO; if (r !== undefined) out["forward"] = r;
r = f142(o["forward_queue_max"]); if (r === NO) return NO; if (r !== undefined) out["forward_queue_max"] = r;
r = f143(o["max_calls"]); if (r === NO) return NO; if (r !== undefined) out["max_calls"] = r;
r = f145(o["tcp_max_connections"]); if (r === NO) return NO; if (r !== undefined) out["tcp_max_connections"] = r;
r = f146(o["tcp_idle_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["tcp_idle_timeout_ms"] = r;
r = f148(o["udp_receive_buffer_bytes"]); if (r === NO) return NO; if (r !== undefined) out["udp_receive_buffer_bytes"] = r;
r = f150(o["password"]); if (r === NO) return NO; if (r !== undefined) out["password"] = r;
r = f159(o["trunks"]); if (r === NO) return NO; if (r !== undefined) out["trunks"] = r;
return out;
}
function f161(v: unknown): unknown {
return f160(v === undefined ? {} : v);
}
function f162(v: unknown): unknown {
return typeof v === 'string' && K33.test(v) ? v : NO;
}
function f163(v: unknown): unknown {
return v === undefined ? undefined : f162(v);
}
function f164(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 256 ? v : NO;
}
function f165(v: unknown): unknown {
return v === undefined ? 16 : f164(v);
}
function f166(v: unknown): unknown {
return v === undefined ? undefined : f55(v);
}
function f167(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 10000000 ? v : NO;
}
function f168(v: unknown): unknown {
return v === undefined ? 10000 : f167(v);
}
function f169(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K32.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f163(o["nats_url"]); if (r === NO) return NO; if (r !== undefined) out["nats_url"] = r;
r = f165(o["partitions"]); if (r === NO) return NO; if (r !== undefined) out["partitions"] = r;
r = f166(o["node_id"]); if (r === NO) return NO; if (r !== undefined) out["node_id"] = r;
r = f168(o["max_lag"]); if (r === NO) return NO; if (r !== undefined) out["max_lag"] = r;
return out;
}
function f170(v: unknown): unknown {
return f169(v === undefined ? {} : v);
}
function f171(v: unknown): unknown {
return K35.has(v) ? v : NO;
}
function f172(v: unknown): unknown {
return v === undefined ? "auto" : f171(v);
}
function f173(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 300 && v <= 4000000 ? v : NO;
}
function f174(v: unknown): unknown {
return v === undefined ? 115200 : f173(v);
}
function f175(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0.1 && v <= 3600 ? v : NO;
}
function f176(v: unknown): unknown {
return v === undefined ? 30 : f175(v);
}
function f177(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 60000 ? v : NO;
}
function f178(v: unknown): unknown {
return v === undefined ? 5000 : f177(v);
}
function f179(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000 ? v : NO;
}
function f180(v: unknown): unknown {
return v === undefined ? 3 : f179(v);
}
function f181(v: unknown): unknown {
return v === undefined ? 600 : f75(v);
}
function f182(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K34.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f19(o["path"]); if (r === NO) return NO; if (r !== undefined) out["path"] = r;
r = f172(o["mode"]); if (r === NO) return NO; if (r !== undefined) out["mode"] = r;
r = f174(o["baud_rate"]); if (r === NO) return NO; if (r !== undefined) out["baud_rate"] = r;
r = f176(o["poll_seconds"]); if (r === NO) return NO; if (r !== undefined) out["poll_seconds"] = r;
r = f178(o["command_timeout_ms"]); if (r === NO) return NO; if (r !== undefined) out["command_timeout_ms"] = r;
r = f180(o["flapping_reconnects"]); if (r === NO) return NO; if (r !== undefined) out["flapping_reconnects"] = r;
r = f181(o["flapping_window_seconds"]); if (r === NO) return NO; if (r !== undefined) out["flapping_window_seconds"] = r;
return out;
}
function f183(v: unknown): unknown {
return f182(v === undefined ? {} : v);
}
function f184(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0.01 && v <= 1000 ? v : NO;
}
function f185(v: unknown): unknown {
return v === undefined ? 1 : f184(v);
}
function f186(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 2147483647 ? v : NO;
}
function f187(v: unknown): unknown {
return v === undefined ? 1 : f186(v);
}
function f188(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 744 ? v : NO;
}
function f189(v: unknown): unknown {
return v === undefined ? 0 : f188(v);
}
function f190(v: unknown): unknown {
return K37.has(v) ? v : NO;
}
function f191(v: unknown): unknown {
return v === undefined ? undefined : f190(v);
}
function f192(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K36.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f185(o["rate"]); if (r === NO) return NO; if (r !== undefined) out["rate"] = r;
r = f187(o["seed"]); if (r === NO) return NO; if (r !== undefined) out["seed"] = r;
r = f189(o["backfill_hours"]); if (r === NO) return NO; if (r !== undefined) out["backfill_hours"] = r;
r = f191(o["scenario"]); if (r === NO) return NO; if (r !== undefined) out["scenario"] = r;
return out;
}
function f193(v: unknown): unknown {
return f192(v === undefined ? {} : v);
}
function f194(v: unknown): unknown {
return v === undefined ? "sidetone" : f68(v);
}
function f195(v: unknown): unknown {
return typeof v === 'string' && K39.test(v) ? v : NO;
}
function f196(v: unknown): unknown {
return v === undefined ? "http://127.0.0.1:9464/runbook" : f195(v);
}
function f197(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 86400 ? v : NO;
}
function f198(v: unknown): unknown {
return v === undefined ? 120 : f197(v);
}
function f199(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= -113 && v <= -51 ? v : NO;
}
function f200(v: unknown): unknown {
return v === undefined ? -100 : f199(v);
}
function f201(v: unknown): unknown {
return v === undefined ? 900 : f197(v);
}
function f202(v: unknown): unknown {
return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 100 ? v : NO;
}
function f203(v: unknown): unknown {
return v === undefined ? 20 : f202(v);
}
function f204(v: unknown): unknown {
return v === undefined ? 15 : f202(v);
}
function f205(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : NO;
}
function f206(v: unknown): unknown {
return v === undefined ? 70 : f205(v);
}
function f207(v: unknown): unknown {
return v === undefined ? 20 : f71(v);
}
function f208(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 4.5 ? v : NO;
}
function f209(v: unknown): unknown {
return v === undefined ? 3.5 : f208(v);
}
function f210(v: unknown): unknown {
return typeof v === 'number' && Number.isFinite(v) && v >= 0.01 && v <= 60 ? v : NO;
}
function f211(v: unknown): unknown {
return v === undefined ? 1 : f210(v);
}
function f212(v: unknown): unknown {
return v === undefined ? 3.5 : f64(v);
}
function f213(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K38.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f194(o["job"]); if (r === NO) return NO; if (r !== undefined) out["job"] = r;
r = f196(o["runbook_url"]); if (r === NO) return NO; if (r !== undefined) out["runbook_url"] = r;
r = f198(o["heartbeat_max_age_seconds"]); if (r === NO) return NO; if (r !== undefined) out["heartbeat_max_age_seconds"] = r;
r = f200(o["signal_min_dbm"]); if (r === NO) return NO; if (r !== undefined) out["signal_min_dbm"] = r;
r = f135(o["sms_failure_ratio"]); if (r === NO) return NO; if (r !== undefined) out["sms_failure_ratio"] = r;
r = f201(o["sms_pending_max_seconds"]); if (r === NO) return NO; if (r !== undefined) out["sms_pending_max_seconds"] = r;
r = f203(o["asr_drop_points"]); if (r === NO) return NO; if (r !== undefined) out["asr_drop_points"] = r;
r = f204(o["ner_drop_points"]); if (r === NO) return NO; if (r !== undefined) out["ner_drop_points"] = r;
r = f206(o["ner_min_percent"]); if (r === NO) return NO; if (r !== undefined) out["ner_min_percent"] = r;
r = f207(o["kpi_min_attempts"]); if (r === NO) return NO; if (r !== undefined) out["kpi_min_attempts"] = r;
r = f209(o["mos_min"]); if (r === NO) return NO; if (r !== undefined) out["mos_min"] = r;
r = f211(o["scrape_slow_seconds"]); if (r === NO) return NO; if (r !== undefined) out["scrape_slow_seconds"] = r;
r = f212(o["voice_silence_p95_seconds"]); if (r === NO) return NO; if (r !== undefined) out["voice_silence_p95_seconds"] = r;
r = f135(o["voice_dead_air_ratio"]); if (r === NO) return NO; if (r !== undefined) out["voice_dead_air_ratio"] = r;
r = f207(o["voice_min_turns"]); if (r === NO) return NO; if (r !== undefined) out["voice_min_turns"] = r;
r = f135(o["human_connect_min_ratio"]); if (r === NO) return NO; if (r !== undefined) out["human_connect_min_ratio"] = r;
return out;
}
function f214(v: unknown): unknown {
return f213(v === undefined ? {} : v);
}
function f215(v: unknown): unknown {
if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
const proto = Object.getPrototypeOf(v);
if (proto !== Object.prototype && proto !== null) return NO;
const o = v as Rec;
for (const k of Object.keys(o)) if (!K0.has(k) || o[k] === undefined) return NO;
const out: Rec = {};
let r: unknown;
r = f14(o["server"]); if (r === NO) return NO; if (r !== undefined) out["server"] = r;
r = f21(o["log"]); if (r === NO) return NO; if (r !== undefined) out["log"] = r;
r = f31(o["auth"]); if (r === NO) return NO; if (r !== undefined) out["auth"] = r;
r = f41(o["health"]); if (r === NO) return NO; if (r !== undefined) out["health"] = r;
r = f51(o["metrics"]); if (r === NO) return NO; if (r !== undefined) out["metrics"] = r;
r = f54(o["packs"]); if (r === NO) return NO; if (r !== undefined) out["packs"] = r;
r = f63(o["labels"]); if (r === NO) return NO; if (r !== undefined) out["labels"] = r;
r = f67(o["voiceai"]); if (r === NO) return NO; if (r !== undefined) out["voiceai"] = r;
r = f80(o["otlp_receiver"]); if (r === NO) return NO; if (r !== undefined) out["otlp_receiver"] = r;
r = f100(o["store"]); if (r === NO) return NO; if (r !== undefined) out["store"] = r;
r = f113(o["otel"]); if (r === NO) return NO; if (r !== undefined) out["otel"] = r;
r = f124(o["push"]); if (r === NO) return NO; if (r !== undefined) out["push"] = r;
r = f161(o["hep"]); if (r === NO) return NO; if (r !== undefined) out["hep"] = r;
r = f170(o["cluster"]); if (r === NO) return NO; if (r !== undefined) out["cluster"] = r;
r = f183(o["modem"]); if (r === NO) return NO; if (r !== undefined) out["modem"] = r;
r = f193(o["demo"]); if (r === NO) return NO; if (r !== undefined) out["demo"] = r;
r = f214(o["alerts"]); if (r === NO) return NO; if (r !== undefined) out["alerts"] = r;
if (crossFieldIssues(out as never).length > 0) return NO;
return out;
}

/** Every key of the schema, in its order. */
export const CONFIG_KEY_LIST = [{"path":"server.host","env":"SIDETONE_SERVER_HOST","kind":"string"},{"path":"server.port","env":"SIDETONE_SERVER_PORT","kind":"number"},{"path":"server.body_limit_bytes","env":"SIDETONE_SERVER_BODY_LIMIT_BYTES","kind":"number"},{"path":"server.headers_timeout_ms","env":"SIDETONE_SERVER_HEADERS_TIMEOUT_MS","kind":"number"},{"path":"server.request_timeout_ms","env":"SIDETONE_SERVER_REQUEST_TIMEOUT_MS","kind":"number"},{"path":"server.keep_alive_timeout_ms","env":"SIDETONE_SERVER_KEEP_ALIVE_TIMEOUT_MS","kind":"number"},{"path":"server.max_concurrent_scrapes","env":"SIDETONE_SERVER_MAX_CONCURRENT_SCRAPES","kind":"number"},{"path":"log.level","env":"SIDETONE_LOG_LEVEL","kind":"string"},{"path":"log.format","env":"SIDETONE_LOG_FORMAT","kind":"string"},{"path":"log.file","env":"SIDETONE_LOG_FILE","kind":"string"},{"path":"auth.scrape_tokens","env":"SIDETONE_AUTH_SCRAPE_TOKENS","kind":"list"},{"path":"auth.scrape_tokens_file","env":"SIDETONE_AUTH_SCRAPE_TOKENS_FILE","kind":"string"},{"path":"auth.ingest_tokens","env":"SIDETONE_AUTH_INGEST_TOKENS","kind":"list"},{"path":"auth.ingest_tokens_file","env":"SIDETONE_AUTH_INGEST_TOKENS_FILE","kind":"string"},{"path":"auth.admin_tokens","env":"SIDETONE_AUTH_ADMIN_TOKENS","kind":"list"},{"path":"auth.admin_tokens_file","env":"SIDETONE_AUTH_ADMIN_TOKENS_FILE","kind":"string"},{"path":"auth.basic_users","env":"SIDETONE_AUTH_BASIC_USERS","kind":"users"},{"path":"auth.basic_users_file","env":"SIDETONE_AUTH_BASIC_USERS_FILE","kind":"string"},{"path":"health.liveness_path","env":"SIDETONE_HEALTH_LIVENESS_PATH","kind":"string"},{"path":"health.readiness_path","env":"SIDETONE_HEALTH_READINESS_PATH","kind":"string"},{"path":"health.compat_healthz","env":"SIDETONE_HEALTH_COMPAT_HEALTHZ","kind":"boolean"},{"path":"health.protect","env":"SIDETONE_HEALTH_PROTECT","kind":"boolean"},{"path":"health.source_silence_seconds","env":"SIDETONE_HEALTH_SOURCE_SILENCE_SECONDS","kind":"number"},{"path":"health.port","env":"SIDETONE_HEALTH_PORT","kind":"number"},{"path":"metrics.enabled","env":"SIDETONE_METRICS_ENABLED","kind":"boolean"},{"path":"metrics.path","env":"SIDETONE_METRICS_PATH","kind":"string"},{"path":"metrics.prefix","env":"SIDETONE_METRICS_PREFIX","kind":"string"},{"path":"metrics.max_series","env":"SIDETONE_METRICS_MAX_SERIES","kind":"number"},{"path":"metrics.gzip","env":"SIDETONE_METRICS_GZIP","kind":"boolean"},{"path":"metrics.native_histograms","env":"SIDETONE_METRICS_NATIVE_HISTOGRAMS","kind":"boolean"},{"path":"metrics.collection_interval_seconds","env":"SIDETONE_METRICS_COLLECTION_INTERVAL_SECONDS","kind":"number"},{"path":"metrics.created_timestamps","env":"SIDETONE_METRICS_CREATED_TIMESTAMPS","kind":"boolean"},{"path":"packs.sms","env":"SIDETONE_PACKS_SMS","kind":"boolean"},{"path":"packs.ussd","env":"SIDETONE_PACKS_USSD","kind":"boolean"},{"path":"packs.modem","env":"SIDETONE_PACKS_MODEM","kind":"boolean"},{"path":"packs.calls","env":"SIDETONE_PACKS_CALLS","kind":"boolean"},{"path":"packs.trunks","env":"SIDETONE_PACKS_TRUNKS","kind":"boolean"},{"path":"packs.sip","env":"SIDETONE_PACKS_SIP","kind":"boolean"},{"path":"packs.media","env":"SIDETONE_PACKS_MEDIA","kind":"boolean"},{"path":"packs.voiceai","env":"SIDETONE_PACKS_VOICEAI","kind":"boolean"},{"path":"packs.pbx","env":"SIDETONE_PACKS_PBX","kind":"boolean"},{"path":"packs.sim","env":"SIDETONE_PACKS_SIM","kind":"boolean"},{"path":"labels.trunks","env":"SIDETONE_LABELS_TRUNKS","kind":"list"},{"path":"labels.operators","env":"SIDETONE_LABELS_OPERATORS","kind":"list"},{"path":"labels.modems","env":"SIDETONE_LABELS_MODEMS","kind":"list"},{"path":"labels.queues","env":"SIDETONE_LABELS_QUEUES","kind":"list"},{"path":"labels.agents","env":"SIDETONE_LABELS_AGENTS","kind":"list"},{"path":"labels.models","env":"SIDETONE_LABELS_MODELS","kind":"list"},{"path":"voiceai.dead_air_seconds","env":"SIDETONE_VOICEAI_DEAD_AIR_SECONDS","kind":"number"},{"path":"voiceai.prices","env":"SIDETONE_VOICEAI_PRICES","kind":"string"},{"path":"otlp_receiver.call_id_attributes","env":"SIDETONE_OTLP_RECEIVER_CALL_ID_ATTRIBUTES","kind":"list"},{"path":"otlp_receiver.max_traces","env":"SIDETONE_OTLP_RECEIVER_MAX_TRACES","kind":"number"},{"path":"otlp_receiver.max_spans","env":"SIDETONE_OTLP_RECEIVER_MAX_SPANS","kind":"number"},{"path":"otlp_receiver.idle_seconds","env":"SIDETONE_OTLP_RECEIVER_IDLE_SECONDS","kind":"number"},{"path":"otlp_receiver.max_body_bytes","env":"SIDETONE_OTLP_RECEIVER_MAX_BODY_BYTES","kind":"number"},{"path":"otlp_receiver.max_in_flight","env":"SIDETONE_OTLP_RECEIVER_MAX_IN_FLIGHT","kind":"number"},{"path":"store.path","env":"SIDETONE_STORE_PATH","kind":"string"},{"path":"store.url","env":"SIDETONE_STORE_URL","kind":"string"},{"path":"store.instance","env":"SIDETONE_STORE_INSTANCE","kind":"string"},{"path":"store.hash_key","env":"SIDETONE_STORE_HASH_KEY","kind":"string"},{"path":"store.hash_key_file","env":"SIDETONE_STORE_HASH_KEY_FILE","kind":"string"},{"path":"store.store_raw_numbers","env":"SIDETONE_STORE_STORE_RAW_NUMBERS","kind":"boolean"},{"path":"store.reveal_call_ids","env":"SIDETONE_STORE_REVEAL_CALL_IDS","kind":"boolean"},{"path":"store.retention_days","env":"SIDETONE_STORE_RETENTION_DAYS","kind":"number"},{"path":"store.zombie_max_seconds","env":"SIDETONE_STORE_ZOMBIE_MAX_SECONDS","kind":"number"},{"path":"store.threads","env":"SIDETONE_STORE_THREADS","kind":"string"},{"path":"store.writer_thread","env":"SIDETONE_STORE_WRITER_THREAD","kind":"boolean"},{"path":"store.checkpoint_thread","env":"SIDETONE_STORE_CHECKPOINT_THREAD","kind":"boolean"},{"path":"store.max_pending_updates","env":"SIDETONE_STORE_MAX_PENDING_UPDATES","kind":"number"},{"path":"store.stuck_seconds","env":"SIDETONE_STORE_STUCK_SECONDS","kind":"number"},{"path":"store.connect_timeout_ms","env":"SIDETONE_STORE_CONNECT_TIMEOUT_MS","kind":"number"},{"path":"store.statement_timeout_ms","env":"SIDETONE_STORE_STATEMENT_TIMEOUT_MS","kind":"number"},{"path":"otel.endpoint","env":"SIDETONE_OTEL_ENDPOINT","kind":"string"},{"path":"otel.protocol","env":"SIDETONE_OTEL_PROTOCOL","kind":"string"},{"path":"otel.service_name","env":"SIDETONE_OTEL_SERVICE_NAME","kind":"string"},{"path":"otel.sample_ratio","env":"SIDETONE_OTEL_SAMPLE_RATIO","kind":"number"},{"path":"otel.export_metrics","env":"SIDETONE_OTEL_EXPORT_METRICS","kind":"boolean"},{"path":"otel.log_trace_id","env":"SIDETONE_OTEL_LOG_TRACE_ID","kind":"boolean"},{"path":"otel.queue_max_spans","env":"SIDETONE_OTEL_QUEUE_MAX_SPANS","kind":"number"},{"path":"otel.shutdown_timeout_ms","env":"SIDETONE_OTEL_SHUTDOWN_TIMEOUT_MS","kind":"number"},{"path":"push.remote_write_url","env":"SIDETONE_PUSH_REMOTE_WRITE_URL","kind":"string"},{"path":"push.interval_seconds","env":"SIDETONE_PUSH_INTERVAL_SECONDS","kind":"number"},{"path":"push.timeout_ms","env":"SIDETONE_PUSH_TIMEOUT_MS","kind":"number"},{"path":"push.bearer_token","env":"SIDETONE_PUSH_BEARER_TOKEN","kind":"string"},{"path":"push.bearer_token_file","env":"SIDETONE_PUSH_BEARER_TOKEN_FILE","kind":"string"},{"path":"push.username","env":"SIDETONE_PUSH_USERNAME","kind":"string"},{"path":"push.password","env":"SIDETONE_PUSH_PASSWORD","kind":"string"},{"path":"push.queue_dir","env":"SIDETONE_PUSH_QUEUE_DIR","kind":"string"},{"path":"push.queue_max_bytes","env":"SIDETONE_PUSH_QUEUE_MAX_BYTES","kind":"number"},{"path":"push.job","env":"SIDETONE_PUSH_JOB","kind":"string"},{"path":"push.instance","env":"SIDETONE_PUSH_INSTANCE","kind":"string"},{"path":"push.external_labels","env":"SIDETONE_PUSH_EXTERNAL_LABELS","kind":"string"},{"path":"hep.listen","env":"SIDETONE_HEP_LISTEN","kind":"list"},{"path":"hep.timer_b_ms","env":"SIDETONE_HEP_TIMER_B_MS","kind":"number"},{"path":"hep.reorder_window_ms","env":"SIDETONE_HEP_REORDER_WINDOW_MS","kind":"number"},{"path":"hep.max_clock_skew_ms","env":"SIDETONE_HEP_MAX_CLOCK_SKEW_MS","kind":"number"},{"path":"hep.media_timeout_ms","env":"SIDETONE_HEP_MEDIA_TIMEOUT_MS","kind":"number"},{"path":"hep.flow_sample","env":"SIDETONE_HEP_FLOW_SAMPLE","kind":"number"},{"path":"hep.leg_correlation","env":"SIDETONE_HEP_LEG_CORRELATION","kind":"list"},{"path":"hep.forward","env":"SIDETONE_HEP_FORWARD","kind":"list"},{"path":"hep.forward_queue_max","env":"SIDETONE_HEP_FORWARD_QUEUE_MAX","kind":"number"},{"path":"hep.max_calls","env":"SIDETONE_HEP_MAX_CALLS","kind":"number"},{"path":"hep.tcp_max_connections","env":"SIDETONE_HEP_TCP_MAX_CONNECTIONS","kind":"number"},{"path":"hep.tcp_idle_timeout_ms","env":"SIDETONE_HEP_TCP_IDLE_TIMEOUT_MS","kind":"number"},{"path":"hep.udp_receive_buffer_bytes","env":"SIDETONE_HEP_UDP_RECEIVE_BUFFER_BYTES","kind":"number"},{"path":"hep.password","env":"SIDETONE_HEP_PASSWORD","kind":"string"},{"path":"hep.trunks","env":"SIDETONE_HEP_TRUNKS","kind":"users"},{"path":"cluster.nats_url","env":"SIDETONE_CLUSTER_NATS_URL","kind":"string"},{"path":"cluster.partitions","env":"SIDETONE_CLUSTER_PARTITIONS","kind":"number"},{"path":"cluster.node_id","env":"SIDETONE_CLUSTER_NODE_ID","kind":"string"},{"path":"cluster.max_lag","env":"SIDETONE_CLUSTER_MAX_LAG","kind":"number"},{"path":"modem.path","env":"SIDETONE_MODEM_PATH","kind":"string"},{"path":"modem.mode","env":"SIDETONE_MODEM_MODE","kind":"string"},{"path":"modem.baud_rate","env":"SIDETONE_MODEM_BAUD_RATE","kind":"number"},{"path":"modem.poll_seconds","env":"SIDETONE_MODEM_POLL_SECONDS","kind":"number"},{"path":"modem.command_timeout_ms","env":"SIDETONE_MODEM_COMMAND_TIMEOUT_MS","kind":"number"},{"path":"modem.flapping_reconnects","env":"SIDETONE_MODEM_FLAPPING_RECONNECTS","kind":"number"},{"path":"modem.flapping_window_seconds","env":"SIDETONE_MODEM_FLAPPING_WINDOW_SECONDS","kind":"number"},{"path":"demo.rate","env":"SIDETONE_DEMO_RATE","kind":"number"},{"path":"demo.seed","env":"SIDETONE_DEMO_SEED","kind":"number"},{"path":"demo.backfill_hours","env":"SIDETONE_DEMO_BACKFILL_HOURS","kind":"number"},{"path":"demo.scenario","env":"SIDETONE_DEMO_SCENARIO","kind":"string"},{"path":"alerts.job","env":"SIDETONE_ALERTS_JOB","kind":"string"},{"path":"alerts.runbook_url","env":"SIDETONE_ALERTS_RUNBOOK_URL","kind":"string"},{"path":"alerts.heartbeat_max_age_seconds","env":"SIDETONE_ALERTS_HEARTBEAT_MAX_AGE_SECONDS","kind":"number"},{"path":"alerts.signal_min_dbm","env":"SIDETONE_ALERTS_SIGNAL_MIN_DBM","kind":"number"},{"path":"alerts.sms_failure_ratio","env":"SIDETONE_ALERTS_SMS_FAILURE_RATIO","kind":"number"},{"path":"alerts.sms_pending_max_seconds","env":"SIDETONE_ALERTS_SMS_PENDING_MAX_SECONDS","kind":"number"},{"path":"alerts.asr_drop_points","env":"SIDETONE_ALERTS_ASR_DROP_POINTS","kind":"number"},{"path":"alerts.ner_drop_points","env":"SIDETONE_ALERTS_NER_DROP_POINTS","kind":"number"},{"path":"alerts.ner_min_percent","env":"SIDETONE_ALERTS_NER_MIN_PERCENT","kind":"number"},{"path":"alerts.kpi_min_attempts","env":"SIDETONE_ALERTS_KPI_MIN_ATTEMPTS","kind":"number"},{"path":"alerts.mos_min","env":"SIDETONE_ALERTS_MOS_MIN","kind":"number"},{"path":"alerts.scrape_slow_seconds","env":"SIDETONE_ALERTS_SCRAPE_SLOW_SECONDS","kind":"number"},{"path":"alerts.voice_silence_p95_seconds","env":"SIDETONE_ALERTS_VOICE_SILENCE_P95_SECONDS","kind":"number"},{"path":"alerts.voice_dead_air_ratio","env":"SIDETONE_ALERTS_VOICE_DEAD_AIR_RATIO","kind":"number"},{"path":"alerts.voice_min_turns","env":"SIDETONE_ALERTS_VOICE_MIN_TURNS","kind":"number"},{"path":"alerts.human_connect_min_ratio","env":"SIDETONE_ALERTS_HUMAN_CONNECT_MIN_RATIO","kind":"number"}] as const;

/**
 * The configuration the schema resolves `raw` to, when it surely accepts it; undefined when it
 * might not (then only the schema can say, and word, what is wrong).
 */
export function fastConfig(raw: unknown): SidetoneConfig | undefined {
  const r = f215(raw);
  return r === NO ? undefined : (r as SidetoneConfig);
}
