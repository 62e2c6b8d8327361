import { Writable } from 'node:stream';

/** A log destination that keeps every non-empty line written to it, for tests to read. */
export function captureLines(): { destination: Writable; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      cb();
    },
  });
  return { destination, lines };
}
