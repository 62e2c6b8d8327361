/**
 * AT result lines that the shared parsers in domain/standards do not cover (+COPS, +CMGR,
 * +CUSD, +CLCC), per 3GPP TS 27.007 and TS 27.005; messages and reports are in sms.ts. Each returns
 * undefined for a line it cannot read; none throws.
 */

/**
 * Comma-separated parameters after `+NAME:`, quotes kept, commas inside quotes respected.
 * @example atParams('+CUSD: 0,"a, b",15', 'CUSD') // ['0', '"a, b"', '15']
 */
export function atParams(line: string, name: string): string[] | undefined {
  const prefix = `+${name}:`;
  if (!line.startsWith(prefix)) return undefined;
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line.slice(prefix.length).trim()) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const unquote = (s: string | undefined) => (s === undefined ? undefined : s.replace(/^"|"$/g, ''));
const int = (s: string | undefined) => (s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : undefined);

/**
 * `+COPS: <mode>[,<format>,"<oper>"[,<AcT>]]` (TS 27.007 7.3).
 * @example parseCops('+COPS: 0,0,"Vodafone UK",7') // { operator: 'Vodafone UK', act: 7 }
 */
export function parseCops(line: string): { operator?: string; act?: number } | undefined {
  const p = atParams(line, 'COPS');
  if (p === undefined || int(p[0]) === undefined) return undefined;
  const operator = unquote(p[2]);
  const act = int(p[3]);
  return {
    ...(operator !== undefined && operator !== '' && { operator: operator.slice(0, 64) }),
    ...(act !== undefined && act <= 255 && { act }),
  };
}

/**
 * `+CUSD: <m>[,"<str>"[,<dcs>]]` (TS 27.007 7.15).
 * @example parseCusd('+CUSD: 0,"Balance 5.00",15') // { status: 0, text: 'Balance 5.00', dcs: 15 }
 */
export function parseCusd(line: string): { status: number; text?: string; dcs?: number } | undefined {
  const p = atParams(line, 'CUSD');
  const status = int(p?.[0]);
  if (p === undefined || status === undefined || status > 255) return undefined;
  const text = unquote(p[1]);
  const dcs = int(p[2]);
  return {
    status,
    ...(text !== undefined && text !== '' && { text: text.slice(0, 1024) }),
    ...(dcs !== undefined && dcs <= 255 && { dcs }),
  };
}

/**
 * `+CLCC: <idx>,<dir>,<stat>,<mode>,<mpty>[,"<number>",<type>]` (TS 27.007 7.18).
 * @example parseClcc('+CLCC: 1,1,4,0,0,"+447700900456",145') // { index: 1, stat: 4, number: '+447700900456' }
 */
export function parseClcc(line: string): { index: number; stat: number; number?: string } | undefined {
  const p = atParams(line, 'CLCC');
  const index = int(p?.[0]);
  const stat = int(p?.[2]);
  if (p === undefined || index === undefined || stat === undefined || index > 255 || stat > 255)
    return undefined;
  const number = unquote(p[5]);
  return { index, stat, ...(number !== undefined && number !== '' && { number: number.slice(0, 64) }) };
}
