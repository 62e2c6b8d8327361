// Generated from the event JSON Schemas by scripts/gen-predicates.mjs (node scripts/gen-docs.mjs):
// do not edit. test/events/predicates-generated.test.ts fails when it is stale.
import { EVENT_RULES } from './rules.js';
import type { EventType } from './types.js';

type Rec = Record<string, unknown>;
const P = Object.prototype;

/** Code points of `s`, as JSON Schema and zod count a string's length (zod/v4/core util.codePointLength). */
function codePointLength(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

const K0 = /^[^\u0000]*$/;
const K1 = new Set<unknown>(["timeout","network","rejected","invalid_number","modem","quota","other"]);
const K2 = new Set<unknown>(["usb","at_timeout","power","sim","network","manual","other"]);
const K3 = new Set<unknown>(["CREG","CGREG","CEREG","C5GREG"]);
const K4 = new Set<unknown>(["ready","sim_pin","sim_puk","sim_pin2","sim_puk2","ph_sim_pin","personalisation","not_inserted","not_ready","busy","failure","unknown"]);
const K5 = new Set<unknown>(["cme","cms","error","vendor"]);
const K6 = new Set<unknown>(["general","sim","storage","text","network","packet","sc","me","vendor","unknown"]);
const K7 = new Set<unknown>(["reopen","reset","registration"]);
const K8 = new Set<unknown>(["ok","fail"]);
const K9 = new Set<unknown>(["inbound","outbound"]);
const K10 = new Set<unknown>(["sip","pstn","webrtc"]);
const K11 = new Set<unknown>(["udp","tcp","tls","sctp","ws","wss","webrtc"]);
const K12 = new Set<unknown>(["caller","callee","system","unknown"]);
const K13 = new Set<unknown>(["no_media","one_way"]);
const K14 = new Set<unknown>(["caller_to_callee","callee_to_caller"]);
const K15 = new Set<unknown>(["success","challenged","failed","timeout"]);
const K16 = new Set<unknown>(["register","reregister","unregister"]);
const K17 = new Set<unknown>(["B","F","H"]);
const K18 = new Set<unknown>(["481","refreshed","retried","role_swapped","failed","dialog_gone","expired","ok","422-bumped","422-gave-up","role-swap"]);
const K19 = new Set<unknown>(["passed","failed","soft_fail","no_identity","verified","soft-fail","no-identity"]);
const K20 = new Set<unknown>(["A","B","C"]);
const K21 = new Set<unknown>(["success","failure","timeout","fingerprint_mismatch","ok","fail","fingerprint-mismatch"]);
const K22 = new Set<unknown>(["success","challenge","failure"]);
const K23 = new Set<unknown>(["caller","proxy","proxy_2","proxy_3","proxy_4","callee","other"]);
const K24 = new Set<unknown>(["INVITE","ACK","BYE","CANCEL","REGISTER","OPTIONS","PRACK","SUBSCRIBE","NOTIFY","PUBLISH","INFO","REFER","MESSAGE","UPDATE","other"]);
const K25 = new Set<unknown>(["timeout","network","rate_limit","auth","bad_input","server","other"]);
const K26 = new Set<unknown>(["end_to_end","asr","llm","tts"]);
const K27 = new Set<unknown>(["cascaded","cascaded_native","realtime","pipeline"]);
const K28 = new Set<unknown>(["ok","config_error","error"]);
const K29 = new Set<unknown>(["sip","webrtc","websocket"]);
const K30 = new Set<unknown>(["barge_in","talked_over","false_interruption","agent_over_caller"]);
const K31 = new Set<unknown>(["human","machine-ivr","machine-vm","machine-unavailable","uncertain"]);
const K32 = new Set<unknown>(["llm","stt","tts"]);
const K33 = new Set<unknown>(["connected","failed"]);
const K34 = new Set<unknown>(["connected","disconnected"]);
const K35 = /^[0-9A-Fa-f]{4}$/;
const K36 = new Set<unknown>(["timeout","transmission","card_removed","reader","protocol"]);
const K37 = new Set<unknown>(["ota","rfm","ram","profile_download","test"]);
const K38 = new Set<unknown>(["sms_pp","https","cat_tp","bip","pcsc","at"]);
const K39 = new Set<unknown>(["success","failure","timeout","aborted"]);
const K40 = new Set<unknown>(["csd","gprs","e_utran","ng_ran","wlan","bluetooth","default"]);
const K41 = new Set<unknown>(["success","failure"]);

function e0_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "heartbeat"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["intervalSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l0_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "heartbeat"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["intervalSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e1_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sms.received"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["from"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["to"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["body"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; n++; } }
{ const v = o["segments"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l1_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sms.received"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["body"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; }
{ const v = o["segments"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e2_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sms.sent"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["to"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["from"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["body"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; n++; } }
{ const v = o["reference"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; n++; } }
{ const v = o["segments"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l2_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sms.sent"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["body"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; }
{ const v = o["reference"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; }
{ const v = o["segments"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e3_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sms.send_failed"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["to"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["body"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && K1.has(v)))) return false; n++; } }
{ const v = o["cmsError"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1000000000))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["reference"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; n++; } }
{ const v = o["segments"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l3_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sms.send_failed"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["body"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 10000 || codePointLength(v) <= 10000)))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && K1.has(v)))) return false; }
{ const v = o["cmsError"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1000000000))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["reference"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; }
{ const v = o["segments"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 255))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e4_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sms.delivery_report"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["reference"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; n++; } }
{ const v = o["to"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["tpStatus"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["providerStatus"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["errorCode"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1000000000) || (typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16))))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
try { if (!EVENT_RULES["sms.delivery_report"]!(o)) return false; } catch { return false; }
return true;
}
function l4_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sms.delivery_report"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["reference"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991) || (typeof v === 'string' && v.length >= 1 && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v))))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["tpStatus"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["providerStatus"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["errorCode"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1000000000) || (typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16))))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
try { if (!EVENT_RULES["sms.delivery_report"]!(o)) return false; } catch { return false; }
return true;
}
function e5_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "ussd.request"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["code"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 182 || codePointLength(v) <= 182)))) return false; n++; }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l5_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "ussd.request"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 182 || codePointLength(v) <= 182)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e6_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "ussd.response"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["status"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["text"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["dcs"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l6_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "ussd.response"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["status"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["text"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["dcs"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e7_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.connected"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["initialized"]; if (v !== undefined) { if (!((typeof v === 'boolean'))) return false; n++; } }
{ const v = o["model"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["imei"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
{ const v = o["imsi"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
{ const v = o["iccid"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l7_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.connected"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["initialized"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["model"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["imei"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["imsi"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["iccid"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}
function e8_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.disconnected"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && K2.has(v)))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l8_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.disconnected"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && K2.has(v)))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
return true;
}
function e9_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.reconnected"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["attempt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && K2.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l9_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.reconnected"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["attempt"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 9007199254740991))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && K2.has(v)))) return false; }
return true;
}
function e10_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.registration"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["stat"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["command"]; if (v !== undefined) { if (!((typeof v === 'string' && K3.has(v)))) return false; n++; } }
{ const v = o["act"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["lac"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; n++; } }
{ const v = o["cellId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l10_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.registration"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["stat"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["command"]; if (v !== undefined && !((typeof v === 'string' && K3.has(v)))) return false; }
{ const v = o["act"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["lac"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; }
{ const v = o["cellId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; }
return true;
}
function e11_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.signal"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["csq"]; if (v !== undefined) { if (!((typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === P && e11_1(v as Rec)))) return false; n++; } }
{ const v = o["cesq"]; if (v !== undefined) { if (!((typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === P && e11_2(v as Rec)))) return false; n++; } }
{ const v = o["signal"]; if (v !== undefined) { if (!((typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === P && e11_3(v as Rec)))) return false; n++; } }
{ const v = o["tech"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
{ const v = o["band"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
try { if (!EVENT_RULES["modem.signal"]!(o)) return false; } catch { return false; }
return true;
}
function e11_1(o: Rec): boolean {
let n = 0;
{ const v = o["rssi"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["ber"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function e11_2(o: Rec): boolean {
let n = 0;
{ const v = o["rxlev"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["ber"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["rscp"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["ecno"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["rsrq"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["rsrp"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function e11_3(o: Rec): boolean {
let n = 0;
{ const v = o["rssiDbm"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -150 && v <= 0))) return false; n++; } }
{ const v = o["rsrpDbm"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -160 && v <= 0))) return false; n++; } }
{ const v = o["rsrqDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -40 && v <= 20))) return false; n++; } }
{ const v = o["rscpDbm"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -150 && v <= 0))) return false; n++; } }
{ const v = o["ecnoDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -40 && v <= 10))) return false; n++; } }
{ const v = o["snrDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; n++; } }
{ const v = o["sinrDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; n++; } }
{ const v = o["nrRsrpDbm"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -160 && v <= 0))) return false; n++; } }
{ const v = o["nrRsrqDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -45 && v <= 25))) return false; n++; } }
{ const v = o["nrSnrDb"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; n++; } }
{ const v = o["berRatio"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l11_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.signal"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["csq"]; if (v !== undefined && !((typeof v === 'object' && v !== null && !Array.isArray(v) && l11_1(v as Rec)))) return false; }
{ const v = o["cesq"]; if (v !== undefined && !((typeof v === 'object' && v !== null && !Array.isArray(v) && l11_2(v as Rec)))) return false; }
{ const v = o["signal"]; if (v !== undefined && !((typeof v === 'object' && v !== null && !Array.isArray(v) && l11_3(v as Rec)))) return false; }
{ const v = o["tech"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["band"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 16 || codePointLength(v) <= 16)))) return false; }
try { if (!EVENT_RULES["modem.signal"]!(o)) return false; } catch { return false; }
return true;
}
function l11_1(o: Rec): boolean {
{ const v = o["rssi"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["ber"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
return true;
}
function l11_2(o: Rec): boolean {
{ const v = o["rxlev"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["ber"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["rscp"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["ecno"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["rsrq"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["rsrp"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
return true;
}
function l11_3(o: Rec): boolean {
{ const v = o["rssiDbm"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -150 && v <= 0))) return false; }
{ const v = o["rsrpDbm"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -160 && v <= 0))) return false; }
{ const v = o["rsrqDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -40 && v <= 20))) return false; }
{ const v = o["rscpDbm"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -150 && v <= 0))) return false; }
{ const v = o["ecnoDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -40 && v <= 10))) return false; }
{ const v = o["snrDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; }
{ const v = o["sinrDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; }
{ const v = o["nrRsrpDbm"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -160 && v <= 0))) return false; }
{ const v = o["nrRsrqDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -45 && v <= 25))) return false; }
{ const v = o["nrSnrDb"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= -30 && v <= 50))) return false; }
{ const v = o["berRatio"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; }
return true;
}
function e12_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.operator"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["operator"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["act"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255) || (typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32))))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l12_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.operator"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["operator"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["act"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255) || (typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32))))) return false; }
return true;
}
function e13_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.sim"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["state"]; if (v === undefined || !((typeof v === 'string' && K4.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l13_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.sim"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["state"]; if (v !== undefined && !((typeof v === 'string' && K4.has(v)))) return false; }
return true;
}
function e14_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.at_error"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["kind"]; if (v === undefined || !((typeof v === 'string' && K5.has(v)))) return false; n++; }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= -1 && v <= 9999))) return false; n++; } }
{ const v = o["class"]; if (v !== undefined) { if (!((typeof v === 'string' && K6.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l14_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.at_error"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["kind"]; if (v !== undefined && !((typeof v === 'string' && K5.has(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= -1 && v <= 9999))) return false; }
{ const v = o["class"]; if (v !== undefined && !((typeof v === 'string' && K6.has(v)))) return false; }
return true;
}
function e15_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "modem.recovery"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["step"]; if (v === undefined || !((typeof v === 'string' && K7.has(v)))) return false; n++; }
{ const v = o["outcome"]; if (v === undefined || !((typeof v === 'string' && K8.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l15_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "modem.recovery"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["step"]; if (v !== undefined && !((typeof v === 'string' && K7.has(v)))) return false; }
{ const v = o["outcome"]; if (v !== undefined && !((typeof v === 'string' && K8.has(v)))) return false; }
return true;
}
function e16_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.started"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["channel"]; if (v === undefined || !((typeof v === 'string' && K10.has(v)))) return false; n++; }
{ const v = o["transport"]; if (v !== undefined) { if (!((typeof v === 'string' && K11.has(v)))) return false; n++; } }
{ const v = o["trunk"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["from"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["to"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["endToEndId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l16_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.started"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["channel"]; if (v !== undefined && !((typeof v === 'string' && K10.has(v)))) return false; }
{ const v = o["transport"]; if (v !== undefined && !((typeof v === 'string' && K11.has(v)))) return false; }
{ const v = o["trunk"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["endToEndId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e17_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.ringing"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
{ const v = o["early"]; if (v !== undefined) { if (!((typeof v === 'boolean'))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l17_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.ringing"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["early"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
return true;
}
function e18_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.answered"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l18_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.answered"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e19_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.held"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l19_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.held"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e20_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.resumed"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l20_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.resumed"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e21_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.ended"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
{ const v = o["sipCode"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["q850"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 127))) return false; n++; } }
{ const v = o["hangupBy"]; if (v !== undefined) { if (!((typeof v === 'string' && K12.has(v)))) return false; n++; } }
{ const v = o["timeout"]; if (v !== undefined) { if (!((typeof v === 'boolean'))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["durationSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["mediaAnomaly"]; if (v !== undefined) { if (!((typeof v === 'string' && K13.has(v)))) return false; n++; } }
{ const v = o["silentStream"]; if (v !== undefined) { if (!((typeof v === 'string' && K14.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l21_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.ended"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["sipCode"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["q850"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 127))) return false; }
{ const v = o["hangupBy"]; if (v !== undefined && !((typeof v === 'string' && K12.has(v)))) return false; }
{ const v = o["timeout"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["durationSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["mediaAnomaly"]; if (v !== undefined && !((typeof v === 'string' && K13.has(v)))) return false; }
{ const v = o["silentStream"]; if (v !== undefined && !((typeof v === 'string' && K14.has(v)))) return false; }
return true;
}
function e22_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "call.clcc"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["index"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["stat"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["number"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["modem"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l22_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "call.clcc"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["index"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["stat"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["number"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["modem"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e23_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "trunk.status"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["trunk"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["up"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["rttSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l23_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "trunk.status"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["trunk"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["up"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["rttSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e24_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.request"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["method"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
{ const v = o["from"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
{ const v = o["to"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
{ const v = o["requestUri"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l24_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.request"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["method"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["requestUri"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e25_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.response"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["method"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; }
{ const v = o["code"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
{ const v = o["reasonPhrase"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l25_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.response"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["method"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["reasonPhrase"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e26_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.registration"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["result"]; if (v !== undefined) { if (!((typeof v === 'string' && K15.has(v)))) return false; n++; } }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["kind"]; if (v !== undefined) { if (!((typeof v === 'string' && K16.has(v)))) return false; n++; } }
{ const v = o["trunk"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["seconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["aor"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l26_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.registration"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K15.has(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["kind"]; if (v !== undefined && !((typeof v === 'string' && K16.has(v)))) return false; }
{ const v = o["trunk"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["aor"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e27_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.registration_expired"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["trunk"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l27_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.registration_expired"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["trunk"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
return true;
}
function e28_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.dialog_created"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["dialogId"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 512 || codePointLength(v) <= 512)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l28_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.dialog_created"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["dialogId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 512 || codePointLength(v) <= 512)))) return false; }
return true;
}
function e29_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.dialog_terminated"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["dialogId"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 512 || codePointLength(v) <= 512)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l29_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.dialog_terminated"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["dialogId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 512 || codePointLength(v) <= 512)))) return false; }
return true;
}
function e30_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.transaction_timeout"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["method"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; }
{ const v = o["timer"]; if (v !== undefined) { if (!((typeof v === 'string' && K17.has(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l30_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.transaction_timeout"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["method"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["timer"]; if (v !== undefined && !((typeof v === 'string' && K17.has(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e31_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.session_refresh"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K18.has(v)))) return false; n++; }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l31_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.session_refresh"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K18.has(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e32_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.stir_verification"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K19.has(v)))) return false; n++; }
{ const v = o["attestation"]; if (v !== undefined) { if (!((typeof v === 'string' && K20.has(v)))) return false; n++; } }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["origTn"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["destTn"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l32_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.stir_verification"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K19.has(v)))) return false; }
{ const v = o["attestation"]; if (v !== undefined && !((typeof v === 'string' && K20.has(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["origTn"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["destTn"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e33_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.dtls_handshake"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K21.has(v)))) return false; n++; }
{ const v = o["seconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l33_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.dtls_handshake"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K21.has(v)))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e34_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.auth"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["direction"]; if (v === undefined || !((typeof v === 'string' && K9.has(v)))) return false; n++; }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K22.has(v)))) return false; n++; }
{ const v = o["username"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["realm"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l34_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.auth"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["direction"]; if (v !== undefined && !((typeof v === 'string' && K9.has(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K22.has(v)))) return false; }
{ const v = o["username"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["realm"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e35_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sip.flow"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
{ const v = o["messages"]; if (v === undefined || !((Array.isArray(v) && e35_2(v)))) return false; n++; }
{ const v = o["dropped"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function e35_1(o: Rec): boolean {
let n = 0;
{ const v = o["atMs"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 604800000))) return false; n++; }
{ const v = o["from"]; if (v === undefined || !((typeof v === 'string' && K23.has(v)))) return false; n++; }
{ const v = o["to"]; if (v === undefined || !((typeof v === 'string' && K23.has(v)))) return false; n++; }
{ const v = o["method"]; if (v === undefined || !((typeof v === 'string' && K24.has(v)))) return false; n++; }
{ const v = o["code"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; n++; } }
{ const v = o["q850"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 127))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function e35_2(a: unknown[]): boolean { if (a.length > 64) return false; for (let j = 0; j < a.length; j++) { const x = a[j]; if (!((typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === P && e35_1(x as Rec)))) return false; } return true; }
function l35_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sip.flow"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["messages"]; if (v !== undefined && !((Array.isArray(v) && l35_2(v)))) return false; }
{ const v = o["dropped"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
return true;
}
function l35_1(o: Rec): boolean {
{ const v = o["atMs"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 604800000))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && K23.has(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && K23.has(v)))) return false; }
{ const v = o["method"]; if (v !== undefined && !((typeof v === 'string' && K24.has(v)))) return false; }
{ const v = o["code"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 100 && v <= 699))) return false; }
{ const v = o["q850"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 127))) return false; }
return true;
}
function l35_2(a: unknown[]): boolean { if (a.length > 64) return false; for (let j = 0; j < a.length; j++) { const x = a[j]; if (!((typeof x === 'object' && x !== null && !Array.isArray(x) && l35_1(x as Rec)))) return false; } return true; }
function e36_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "media.report"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["codec"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
{ const v = o["clockRate"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 9007199254740991))) return false; n++; } }
{ const v = o["packetsReceived"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["packetsSent"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["packetsLost"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["fractionLost"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["jitter"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0))) return false; n++; } }
{ const v = o["jitterMs"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000000))) return false; n++; } }
{ const v = o["rttMs"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000000))) return false; n++; } }
{ const v = o["rtcp"]; if (v !== undefined) { if (!((typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === P && e36_1(v as Rec)))) return false; n++; } }
{ const v = o["final"]; if (v !== undefined) { if (!((typeof v === 'boolean'))) return false; n++; } }
{ const v = o["stream"]; if (v !== undefined) { if (!((typeof v === 'string' && K14.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
try { if (!EVENT_RULES["media.report"]!(o)) return false; } catch { return false; }
return true;
}
function e36_1(o: Rec): boolean {
let n = 0;
{ const v = o["arrival"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; }
{ const v = o["lsr"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; }
{ const v = o["dlsr"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l36_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "media.report"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["codec"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["clockRate"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 9007199254740991))) return false; }
{ const v = o["packetsReceived"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["packetsSent"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["packetsLost"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["fractionLost"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["jitter"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0))) return false; }
{ const v = o["jitterMs"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000000))) return false; }
{ const v = o["rttMs"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000000))) return false; }
{ const v = o["rtcp"]; if (v !== undefined && !((typeof v === 'object' && v !== null && !Array.isArray(v) && l36_1(v as Rec)))) return false; }
{ const v = o["final"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["stream"]; if (v !== undefined && !((typeof v === 'string' && K14.has(v)))) return false; }
try { if (!EVENT_RULES["media.report"]!(o)) return false; } catch { return false; }
return true;
}
function l36_1(o: Rec): boolean {
{ const v = o["arrival"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["lsr"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["dlsr"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
return true;
}
function e37_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "media.codec"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; }
{ const v = o["codec"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l37_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "media.codec"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["codec"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}
function e38_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.asr_error"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && K25.has(v)))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["provider"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l38_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.asr_error"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && K25.has(v)))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["provider"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e39_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.tts_error"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["reason"]; if (v !== undefined) { if (!((typeof v === 'string' && K25.has(v)))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["provider"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l39_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.tts_error"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["reason"]; if (v !== undefined && !((typeof v === 'string' && K25.has(v)))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["provider"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e40_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.barge_in"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l40_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.barge_in"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e41_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.first_byte"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["stage"]; if (v === undefined || !((typeof v === 'string' && K26.has(v)))) return false; n++; }
{ const v = o["seconds"]; if (v === undefined || !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l41_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.first_byte"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["stage"]; if (v !== undefined && !((typeof v === 'string' && K26.has(v)))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e42_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.tool_call"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["tool"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; n++; } }
{ const v = o["ok"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["seconds"]; if (v === undefined || !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l42_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.tool_call"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["tool"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64)))) return false; }
{ const v = o["ok"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e43_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.transcript"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["present"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["text"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 100000 || codePointLength(v) <= 100000)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l43_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.transcript"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["present"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["text"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 100000 || codePointLength(v) <= 100000)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e44_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.attach"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["mode"]; if (v === undefined || !((typeof v === 'string' && K27.has(v)))) return false; n++; }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K28.has(v)))) return false; n++; }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l44_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.attach"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["mode"]; if (v !== undefined && !((typeof v === 'string' && K27.has(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K28.has(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
return true;
}
function e45_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.attach_fallback"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["from"]; if (v === undefined || !((typeof v === 'string' && K27.has(v)))) return false; n++; }
{ const v = o["to"]; if (v === undefined || !((typeof v === 'string' && K27.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l45_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.attach_fallback"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["from"]; if (v !== undefined && !((typeof v === 'string' && K27.has(v)))) return false; }
{ const v = o["to"]; if (v !== undefined && !((typeof v === 'string' && K27.has(v)))) return false; }
return true;
}
function e46_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.dialog_reconnect"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["transport"]; if (v === undefined || !((typeof v === 'string' && K29.has(v)))) return false; n++; }
{ const v = o["outcome"]; if (v === undefined || !((typeof v === 'string' && K8.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l46_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.dialog_reconnect"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["transport"]; if (v !== undefined && !((typeof v === 'string' && K29.has(v)))) return false; }
{ const v = o["outcome"]; if (v !== undefined && !((typeof v === 'string' && K8.has(v)))) return false; }
return true;
}
function e47_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.turn"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["turn"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000000))) return false; n++; } }
{ const v = o["agent"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["model"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["userStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["userStoppedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["sttFinalAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["endOfTurnAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["llmStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["llmFirstTokenAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["llmDoneAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["llmCalls"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 64))) return false; n++; } }
{ const v = o["toolCalls"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1024))) return false; n++; } }
{ const v = o["toolErrors"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1024))) return false; n++; } }
{ const v = o["toolsStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["toolsDoneAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["lastLlmStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["lastLlmFirstTokenAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["answerFirstTokenAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["eouProbability"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; n++; } }
{ const v = o["eouEndpointingDelaySeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["eouDetectionDelaySeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["transcriptConfidence"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; n++; } }
{ const v = o["ttsStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["ttsFirstByteAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["ttsFirstAudibleAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["agentStartedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["agentStoppedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["endedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["reportedSilenceSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l47_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.turn"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["turn"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000000))) return false; }
{ const v = o["agent"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["model"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["userStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["userStoppedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["sttFinalAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["endOfTurnAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["llmStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["llmFirstTokenAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["llmDoneAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["llmCalls"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 64))) return false; }
{ const v = o["toolCalls"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1024))) return false; }
{ const v = o["toolErrors"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1024))) return false; }
{ const v = o["toolsStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["toolsDoneAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["lastLlmStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["lastLlmFirstTokenAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["answerFirstTokenAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["eouProbability"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; }
{ const v = o["eouEndpointingDelaySeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["eouDetectionDelaySeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["transcriptConfidence"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; }
{ const v = o["ttsStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["ttsFirstByteAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["ttsFirstAudibleAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["agentStartedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["agentStoppedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["endedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["reportedSilenceSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e48_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.interruption"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["turn"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000000))) return false; n++; } }
{ const v = o["agent"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["kind"]; if (v === undefined || !((typeof v === 'string' && K30.has(v)))) return false; n++; }
{ const v = o["startedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["endedAt"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; n++; } }
{ const v = o["probability"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; n++; } }
{ const v = o["detectionDelaySeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l48_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.interruption"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["turn"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 1000000))) return false; }
{ const v = o["agent"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["kind"]; if (v !== undefined && !((typeof v === 'string' && K30.has(v)))) return false; }
{ const v = o["startedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["endedAt"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000))) return false; }
{ const v = o["probability"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1))) return false; }
{ const v = o["detectionDelaySeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e49_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.amd"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["agent"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["category"]; if (v === undefined || !((typeof v === 'string' && K31.has(v)))) return false; n++; }
{ const v = o["delaySeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l49_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.amd"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["agent"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["category"]; if (v !== undefined && !((typeof v === 'string' && K31.has(v)))) return false; }
{ const v = o["delaySeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e50_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "voiceai.usage"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; n++; } }
{ const v = o["agent"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["component"]; if (v === undefined || !((typeof v === 'string' && K32.has(v)))) return false; n++; }
{ const v = o["provider"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["model"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; } }
{ const v = o["inputTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["cachedInputTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["inputAudioTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["outputTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["reasoningTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["outputAudioTokens"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["audioSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["characters"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l50_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "voiceai.usage"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 200 || codePointLength(v) <= 200) && K0.test(v)))) return false; }
{ const v = o["agent"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["component"]; if (v !== undefined && !((typeof v === 'string' && K32.has(v)))) return false; }
{ const v = o["provider"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["model"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["inputTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["cachedInputTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["inputAudioTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["outputTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["reasoningTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["outputAudioTokens"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["audioSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["characters"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
return true;
}
function e51_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.queue_enqueued"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["queue"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; }
{ const v = o["caller"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l51_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.queue_enqueued"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["queue"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["caller"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e52_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.queue_answered"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["queue"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; }
{ const v = o["waitSeconds"]; if (v === undefined || !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; }
{ const v = o["agent"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l52_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.queue_answered"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["queue"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["waitSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["agent"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
return true;
}
function e53_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.queue_abandoned"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["queue"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; n++; }
{ const v = o["callId"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; }
{ const v = o["waitSeconds"]; if (v === undefined || !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l53_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.queue_abandoned"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["queue"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 64 || codePointLength(v) <= 64) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["waitSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e54_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.voicemail"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["mailbox"]; if (v === undefined || !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; }
{ const v = o["durationSeconds"]; if (v === undefined || !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; }
{ const v = o["caller"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l54_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.voicemail"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["mailbox"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["durationSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["caller"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e55_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.transcription_requested"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
{ const v = o["audioSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l55_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.transcription_requested"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
{ const v = o["audioSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
return true;
}
function e56_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.transcription_result"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["ok"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["latencySeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["audioSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["text"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 100000 || codePointLength(v) <= 100000)))) return false; n++; } }
{ const v = o["error"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l56_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.transcription_result"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["ok"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["latencySeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["audioSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["text"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 100000 || codePointLength(v) <= 100000)))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e57_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.routing"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["matched"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["rule"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["callId"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l57_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.routing"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["matched"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["rule"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["callId"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e58_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.webrtc"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K33.has(v)))) return false; n++; }
{ const v = o["iceSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["peer"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l58_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.webrtc"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K33.has(v)))) return false; }
{ const v = o["iceSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["peer"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 256 || codePointLength(v) <= 256)))) return false; }
return true;
}
function e59_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.voicemail_stored"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["messages"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l59_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.voicemail_stored"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["messages"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
return true;
}
function e60_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.websocket"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["state"]; if (v === undefined || !((typeof v === 'string' && K34.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l60_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.websocket"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["state"]; if (v !== undefined && !((typeof v === 'string' && K34.has(v)))) return false; }
return true;
}
function e61_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "pbx.connections"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["network"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l61_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "pbx.connections"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["network"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
return true;
}
function e62_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.apdu"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["ins"]; if (v === undefined || !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; }
{ const v = o["cla"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["sw"]; if (v === undefined || !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 65535) || (typeof v === 'string' && K35.test(v))))) return false; n++; }
{ const v = o["seconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["commandBytes"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["responseBytes"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["command"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; n++; } }
{ const v = o["iccid"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l62_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.apdu"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["ins"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["cla"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["sw"]; if (v !== undefined && !(((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 65535) || (typeof v === 'string' && K35.test(v))))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["commandBytes"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["responseBytes"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["command"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 1024 || codePointLength(v) <= 1024)))) return false; }
{ const v = o["iccid"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}
function e63_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.apdu_error"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["ins"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; n++; } }
{ const v = o["error"]; if (v === undefined || !((typeof v === 'string' && K36.has(v)))) return false; n++; }
{ const v = o["iccid"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l63_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.apdu_error"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["ins"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 255))) return false; }
{ const v = o["error"]; if (v !== undefined && !((typeof v === 'string' && K36.has(v)))) return false; }
{ const v = o["iccid"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}
function e64_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.session_started"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["kind"]; if (v === undefined || !((typeof v === 'string' && K37.has(v)))) return false; n++; }
{ const v = o["protocol"]; if (v === undefined || !((typeof v === 'string' && K38.has(v)))) return false; n++; }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l64_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.session_started"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["kind"]; if (v !== undefined && !((typeof v === 'string' && K37.has(v)))) return false; }
{ const v = o["protocol"]; if (v !== undefined && !((typeof v === 'string' && K38.has(v)))) return false; }
return true;
}
function e65_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.session"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["kind"]; if (v === undefined || !((typeof v === 'string' && K37.has(v)))) return false; n++; }
{ const v = o["protocol"]; if (v === undefined || !((typeof v === 'string' && K38.has(v)))) return false; n++; }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K39.has(v)))) return false; n++; }
{ const v = o["durationSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["iccid"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
{ const v = o["msisdn"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l65_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.session"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["kind"]; if (v !== undefined && !((typeof v === 'string' && K37.has(v)))) return false; }
{ const v = o["protocol"]; if (v !== undefined && !((typeof v === 'string' && K38.has(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K39.has(v)))) return false; }
{ const v = o["durationSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["iccid"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
{ const v = o["msisdn"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}
function e66_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.bip_opened"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["ok"]; if (v === undefined || !((typeof v === 'boolean'))) return false; n++; }
{ const v = o["channel"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 7))) return false; n++; } }
{ const v = o["bearer"]; if (v !== undefined) { if (!((typeof v === 'string' && K40.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l66_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.bip_opened"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["ok"]; if (v !== undefined && !((typeof v === 'boolean'))) return false; }
{ const v = o["channel"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 7))) return false; }
{ const v = o["bearer"]; if (v !== undefined && !((typeof v === 'string' && K40.has(v)))) return false; }
return true;
}
function e67_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.bip_closed"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["bytesSent"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["bytesReceived"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; n++; } }
{ const v = o["channel"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 7))) return false; n++; } }
{ const v = o["durationSeconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["bearer"]; if (v !== undefined) { if (!((typeof v === 'string' && K40.has(v)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l67_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.bip_closed"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["bytesSent"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["bytesReceived"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 4294967295))) return false; }
{ const v = o["channel"]; if (v !== undefined && !((typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 7))) return false; }
{ const v = o["durationSeconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["bearer"]; if (v !== undefined && !((typeof v === 'string' && K40.has(v)))) return false; }
return true;
}
function e68_0(o: Rec): boolean {
let n = 0;
{ const v = o["type"]; if (v === undefined || !((v === "sim.tls_handshake"))) return false; n++; }
{ const v = o["ts"]; if (v !== undefined) { if (!(((typeof v === 'number' && Number.isFinite(v) && v >= 946684800000 && v <= 4102444800000)))) return false; n++; } }
{ const v = o["source"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; n++; } }
{ const v = o["id"]; if (v !== undefined) { if (!((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; n++; } }
{ const v = o["result"]; if (v === undefined || !((typeof v === 'string' && K41.has(v)))) return false; n++; }
{ const v = o["seconds"]; if (v !== undefined) { if (!((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; n++; } }
{ const v = o["iccid"]; if (v !== undefined) { if (!((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; n++; } }
let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;
return true;
}
function l68_0(o: Rec): boolean {
{ const v = o["type"]; if (v !== undefined && !((v === "sim.tls_handshake"))) return false; }
{ const v = o["source"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 128 || codePointLength(v) <= 128)))) return false; }
{ const v = o["id"]; if (v !== undefined && !((typeof v === 'string' && v.length >= 1 && (v.length <= 128 || codePointLength(v) <= 128) && K0.test(v)))) return false; }
{ const v = o["result"]; if (v !== undefined && !((typeof v === 'string' && K41.has(v)))) return false; }
{ const v = o["seconds"]; if (v !== undefined && !((typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 604800))) return false; }
{ const v = o["iccid"]; if (v !== undefined && !((typeof v === 'string' && (v.length <= 32 || codePointLength(v) <= 32)))) return false; }
return true;
}

/** Every event `type`, in documentation order (as schemas.ts lists them, without loading zod). */
export const EVENT_TYPES: readonly EventType[] = ["heartbeat","sms.received","sms.sent","sms.send_failed","sms.delivery_report","ussd.request","ussd.response","modem.connected","modem.disconnected","modem.reconnected","modem.registration","modem.signal","modem.operator","modem.sim","modem.at_error","modem.recovery","call.started","call.ringing","call.answered","call.held","call.resumed","call.ended","call.clcc","trunk.status","sip.request","sip.response","sip.registration","sip.registration_expired","sip.dialog_created","sip.dialog_terminated","sip.transaction_timeout","sip.session_refresh","sip.stir_verification","sip.dtls_handshake","sip.auth","sip.flow","media.report","media.codec","voiceai.asr_error","voiceai.tts_error","voiceai.barge_in","voiceai.first_byte","voiceai.tool_call","voiceai.transcript","voiceai.attach","voiceai.attach_fallback","voiceai.dialog_reconnect","voiceai.turn","voiceai.interruption","voiceai.amd","voiceai.usage","pbx.queue_enqueued","pbx.queue_answered","pbx.queue_abandoned","pbx.voicemail","pbx.transcription_requested","pbx.transcription_result","pbx.routing","pbx.webrtc","pbx.voicemail_stored","pbx.websocket","pbx.connections","sim.apdu","sim.apdu_error","sim.session_started","sim.session","sim.bip_opened","sim.bip_closed","sim.tls_handshake"];

/** Per event type: true only when the full parse would accept the value unchanged. */
export const EXACT: ReadonlyMap<string, (o: Rec) => boolean> = new Map([
  ["heartbeat", e0_0],
  ["sms.received", e1_0],
  ["sms.sent", e2_0],
  ["sms.send_failed", e3_0],
  ["sms.delivery_report", e4_0],
  ["ussd.request", e5_0],
  ["ussd.response", e6_0],
  ["modem.connected", e7_0],
  ["modem.disconnected", e8_0],
  ["modem.reconnected", e9_0],
  ["modem.registration", e10_0],
  ["modem.signal", e11_0],
  ["modem.operator", e12_0],
  ["modem.sim", e13_0],
  ["modem.at_error", e14_0],
  ["modem.recovery", e15_0],
  ["call.started", e16_0],
  ["call.ringing", e17_0],
  ["call.answered", e18_0],
  ["call.held", e19_0],
  ["call.resumed", e20_0],
  ["call.ended", e21_0],
  ["call.clcc", e22_0],
  ["trunk.status", e23_0],
  ["sip.request", e24_0],
  ["sip.response", e25_0],
  ["sip.registration", e26_0],
  ["sip.registration_expired", e27_0],
  ["sip.dialog_created", e28_0],
  ["sip.dialog_terminated", e29_0],
  ["sip.transaction_timeout", e30_0],
  ["sip.session_refresh", e31_0],
  ["sip.stir_verification", e32_0],
  ["sip.dtls_handshake", e33_0],
  ["sip.auth", e34_0],
  ["sip.flow", e35_0],
  ["media.report", e36_0],
  ["media.codec", e37_0],
  ["voiceai.asr_error", e38_0],
  ["voiceai.tts_error", e39_0],
  ["voiceai.barge_in", e40_0],
  ["voiceai.first_byte", e41_0],
  ["voiceai.tool_call", e42_0],
  ["voiceai.transcript", e43_0],
  ["voiceai.attach", e44_0],
  ["voiceai.attach_fallback", e45_0],
  ["voiceai.dialog_reconnect", e46_0],
  ["voiceai.turn", e47_0],
  ["voiceai.interruption", e48_0],
  ["voiceai.amd", e49_0],
  ["voiceai.usage", e50_0],
  ["pbx.queue_enqueued", e51_0],
  ["pbx.queue_answered", e52_0],
  ["pbx.queue_abandoned", e53_0],
  ["pbx.voicemail", e54_0],
  ["pbx.transcription_requested", e55_0],
  ["pbx.transcription_result", e56_0],
  ["pbx.routing", e57_0],
  ["pbx.webrtc", e58_0],
  ["pbx.voicemail_stored", e59_0],
  ["pbx.websocket", e60_0],
  ["pbx.connections", e61_0],
  ["sim.apdu", e62_0],
  ["sim.apdu_error", e63_0],
  ["sim.session_started", e64_0],
  ["sim.session", e65_0],
  ["sim.bip_opened", e66_0],
  ["sim.bip_closed", e67_0],
  ["sim.tls_handshake", e68_0],
]);

/** Per event type: true when every field present keeps its limits, and the rules across fields. */
export const LIMITS: ReadonlyMap<string, (o: Rec) => boolean> = new Map([
  ["heartbeat", l0_0],
  ["sms.received", l1_0],
  ["sms.sent", l2_0],
  ["sms.send_failed", l3_0],
  ["sms.delivery_report", l4_0],
  ["ussd.request", l5_0],
  ["ussd.response", l6_0],
  ["modem.connected", l7_0],
  ["modem.disconnected", l8_0],
  ["modem.reconnected", l9_0],
  ["modem.registration", l10_0],
  ["modem.signal", l11_0],
  ["modem.operator", l12_0],
  ["modem.sim", l13_0],
  ["modem.at_error", l14_0],
  ["modem.recovery", l15_0],
  ["call.started", l16_0],
  ["call.ringing", l17_0],
  ["call.answered", l18_0],
  ["call.held", l19_0],
  ["call.resumed", l20_0],
  ["call.ended", l21_0],
  ["call.clcc", l22_0],
  ["trunk.status", l23_0],
  ["sip.request", l24_0],
  ["sip.response", l25_0],
  ["sip.registration", l26_0],
  ["sip.registration_expired", l27_0],
  ["sip.dialog_created", l28_0],
  ["sip.dialog_terminated", l29_0],
  ["sip.transaction_timeout", l30_0],
  ["sip.session_refresh", l31_0],
  ["sip.stir_verification", l32_0],
  ["sip.dtls_handshake", l33_0],
  ["sip.auth", l34_0],
  ["sip.flow", l35_0],
  ["media.report", l36_0],
  ["media.codec", l37_0],
  ["voiceai.asr_error", l38_0],
  ["voiceai.tts_error", l39_0],
  ["voiceai.barge_in", l40_0],
  ["voiceai.first_byte", l41_0],
  ["voiceai.tool_call", l42_0],
  ["voiceai.transcript", l43_0],
  ["voiceai.attach", l44_0],
  ["voiceai.attach_fallback", l45_0],
  ["voiceai.dialog_reconnect", l46_0],
  ["voiceai.turn", l47_0],
  ["voiceai.interruption", l48_0],
  ["voiceai.amd", l49_0],
  ["voiceai.usage", l50_0],
  ["pbx.queue_enqueued", l51_0],
  ["pbx.queue_answered", l52_0],
  ["pbx.queue_abandoned", l53_0],
  ["pbx.voicemail", l54_0],
  ["pbx.transcription_requested", l55_0],
  ["pbx.transcription_result", l56_0],
  ["pbx.routing", l57_0],
  ["pbx.webrtc", l58_0],
  ["pbx.voicemail_stored", l59_0],
  ["pbx.websocket", l60_0],
  ["pbx.connections", l61_0],
  ["sim.apdu", l62_0],
  ["sim.apdu_error", l63_0],
  ["sim.session_started", l64_0],
  ["sim.session", l65_0],
  ["sim.bip_opened", l66_0],
  ["sim.bip_closed", l67_0],
  ["sim.tls_handshake", l68_0],
]);
