import type { CallView, EndToEndRow } from '../../analytics/export.js';
import type { ExportRow } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { renderMedia, renderTurns } from '../call-halves.js';
import { CliError, UsageError } from '../errors.js';
import { READ_FLAGS } from '../flags.js';
import { renderLadder } from '../ladder.js';
import { NONE } from '../output.js';
import { print, printJson, withSource } from './shared.js';

/**
 * One `field  value` line per column of the export row, then the media per direction, the voice
 * agent's turns and the SIP ladder, each as a table when the store kept it.
 */
export function renderCall(row: ExportRow): string {
  const { sip_flow: flow, media, turns, ...fields } = row;
  const width = Math.max(...Object.keys(row).map((k) => k.length));
  const line = (k: string, v: unknown) => `${k.padEnd(width)}  ${v === null ? NONE : String(v)}\n`;
  let out = Object.entries(fields)
    .map(([k, v]) => line(k, v))
    .join('');
  const none = [media === null && 'media', turns === null && 'turns', flow === null && 'sip_flow'].filter(
    (k) => k !== false,
  );
  out += none.map((k) => line(k, null)).join('');
  if (media !== null) out += `\nMedia per direction (worst reported)\n${renderMedia(media)}`;
  if (turns !== null)
    out += `\nVoice agent turns (${turns.length}; heard silence and its segments, ms)\n${renderTurns(turns)}`;
  if (flow !== null) out += `\nSIP flow (${flow.length} messages)\n${renderLadder(flow)}`;
  return out;
}

/**
 * A B2BUA call's legs (`hep.leg_correlation`): the end-to-end verdict, then each leg's outcome,
 * PDD, media per direction and ladder, A first.
 */
export function renderEndToEnd(e: EndToEndRow): string {
  const failed =
    e.failed_leg === null ? NONE : e.failed_leg === 'a' ? 'a (the caller leg)' : 'b (the callee leg)';
  let out = `\nEnd-to-end call (${e.legs.length} legs)\n`;
  out += `  outcome     ${e.outcome ?? NONE}\n  failed leg  ${failed}\n`;
  out += `  pdd_ms      ${e.pdd_ms ?? NONE} (the caller leg's, RFC 6076 4.2)\n`;
  for (const l of e.legs) {
    out += `\nLeg ${l.leg}  ${l.call_id}  outcome ${l.outcome ?? NONE}  sip_code ${l.sip_code ?? NONE}  pdd_ms ${l.pdd_ms ?? NONE}\n`;
    if (l.media !== null) out += renderMedia(l.media);
    if (l.sip_flow !== null) out += `SIP flow (${l.sip_flow.length} messages)\n${renderLadder(l.sip_flow)}`;
  }
  return out;
}

/** The call, then its end-to-end call when other legs of it are stored. */
export function renderCallView(view: CallView): string {
  const out = renderCall(view.call);
  return view.end_to_end === undefined ? out : out + renderEndToEnd(view.end_to_end);
}

export default defineCommand({
  description:
    "One call by its id, with its SIP ladder when the capture kept one, and with a B2BUA call's other legs (hep.leg_correlation) the end-to-end outcome, the leg that failed and each leg's ladder: the Call-ID the PBX or app sent (hashed with the store key, as the store keeps it) or the cid:… reference that exports and logs show. Exits 1 when the store has no such call.",
  usage: 'sidetone call ID [--json] [--db FILE | --url URL [--token T]]',
  positionals: true,
  flags: READ_FLAGS,
  examples: [
    "sidetone call 'a84b4c76e66710@pc33.example.com' --url http://127.0.0.1:9464",
    'sidetone call cid:3f9c0a4b1d2e5f60718293a4 --db data/calls.db --json',
  ],
  async run({ flags, positionals }) {
    const [id, ...extra] = positionals;
    if (id === undefined || id === '') throw new UsageError('missing ID: sidetone call ID');
    if (extra.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: call takes one ID`);
    const view = await withSource(flags, (s) => s.call(id));
    if (view === undefined)
      throw new CliError('no call with this id in the store: check the id, the store and its key');
    if (flags.json) printJson(view);
    else print(renderCallView(view));
    return 0;
  },
});
