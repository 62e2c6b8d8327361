import type { DestinationStream } from 'pino';

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLOURS: Readonly<Record<number, string>> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
/** Fields every line has, shown in the prefix or not at all. */
const HIDDEN = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname']);

/**
 * One pino JSON line as a person reads it on a terminal: `15:04:05 WARN  message key=value ...`
 * (UTC, as every time sidetone shows). The line was redacted by the logger before it got here;
 * this only re-lays it out. A line that is not JSON passes through.
 * @example
 * prettyLine('{"level":30,"time":0,"msg":"listening","url":"x"}', false); // '00:00:00 INFO  listening url=x\n'
 */
export function prettyLine(line: string, colour: boolean): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof o.level === 'number' ? o.level : 30;
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 19) : '--:--:--';
  const fields = Object.entries(o)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`);
  const tag = LEVELS[level] ?? String(level);
  const head = colour && COLOURS[level] !== undefined ? `${COLOURS[level]}${tag}\x1b[0m` : tag;
  const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
  return `${dim(time)} ${head} ${String(o.msg ?? '')}${fields.length > 0 ? ` ${dim(fields.join(' '))}` : ''}\n`;
}

/**
 * A pino destination that writes {@link prettyLine}s to `inner`: for a terminal. JSON stays the
 * format everywhere else (files, pipes, journald), where machines read it.
 * @example
 * const log = createLogger({ destination: process.stdout.isTTY ? prettyDestination(stdoutDestination()) : stdoutDestination() });
 */
export function prettyDestination(inner: DestinationStream, colour = true): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') inner.write(prettyLine(line, colour));
    },
  };
}
