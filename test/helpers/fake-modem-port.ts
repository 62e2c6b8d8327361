import type { ModemPort } from '../../src/sources/modem/source.js';

/**
 * A modem on a fake port: each command written is recorded and answered with `answer(cmd)` after
 * `delayMs` (timers, so vitest's fake timers drive it); `push` sends unsolicited bytes.
 */
export function fakeModemPort(answer: (cmd: string) => string, delayMs: number) {
  const writes: string[] = [];
  let onData: ((b: Buffer) => void) | undefined;
  const push = (s: string) => onData?.(Buffer.from(s, 'latin1'));
  const open = async (): Promise<ModemPort> => {
    const port = {
      write(data: string) {
        const cmd = data.replace(/\r$/, '');
        writes.push(cmd);
        setTimeout(() => push(answer(cmd)), delayMs);
        return true;
      },
      on(event: string, fn: (x: never) => void) {
        if (event === 'data') onData = fn as (b: Buffer) => void;
        return port;
      },
      close(cb?: (err?: Error | null) => void) {
        cb?.(null);
      },
    } as ModemPort;
    return port;
  };
  return { writes, open, push };
}
