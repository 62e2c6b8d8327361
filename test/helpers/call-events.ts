/**
 * The `POST /events` batch the store tests send (the fleet on PostgreSQL, the cluster on NATS):
 * per call id a `call.started`, then a `call.ended` with 486, or `call.answered` and a `call.ended`
 * with 200 where `answered(i)` says so; each event's id made from its call id, so a batch sent again
 * is the same events. NDJSON, one event a line.
 * @example await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: callEvents(['c-1']) });
 */
export function callEvents(
  callIds: readonly string[],
  answered: (i: number) => boolean = () => false,
): string {
  const lines: unknown[] = [];
  callIds.forEach((callId, i) => {
    lines.push({
      type: 'call.started',
      id: `s-${callId}`,
      callId,
      direction: 'outbound',
      channel: 'sip',
      to: '+15551234567',
    });
    if (answered(i)) {
      lines.push({ type: 'call.answered', id: `a-${callId}`, callId });
      lines.push({ type: 'call.ended', id: `e-${callId}`, callId, sipCode: 200 });
    } else lines.push({ type: 'call.ended', id: `e-${callId}`, callId, sipCode: 486 });
  });
  return lines.map((l) => JSON.stringify(l)).join('\n');
}
