import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** One queued request body on disk. */
export interface Segment {
  file: string;
  seq: number;
  samples: number;
  bytes: number;
}

const NAME = /^(\d{16})-(\d+)\.rw$/;

/**
 * The remote-write queue: one file per snapshot (its compressed request body, so a sample keeps
 * the timestamp it was taken at), written to a temporary name, fsynced and renamed, so a crash
 * leaves either the whole segment or none. Oldest first. Past `maxBytes` the OLDEST segments are
 * dropped (their samples reported to `onDrop`): after a long outage the recent data matters more,
 * and a receiver would refuse very old samples anyway.
 *
 * @example
 * const q = new DiskQueue({ dir: '/var/lib/sidetone/push', maxBytes: 64 << 20 });
 * q.append(body, 120);
 */
export class DiskQueue {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly segments: Segment[] = [];
  private next = 0;
  private total = 0;
  private onDrop: (samples: number, segments: number) => void;

  constructor(options: {
    dir: string;
    maxBytes: number;
    onDrop?: (samples: number, segments: number) => void;
  }) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.onDrop = options.onDrop ?? (() => {});
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.dir)) {
      // A temporary file is a write a crash interrupted: it was never acknowledged to anyone.
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const m = NAME.exec(name);
      if (m === null) continue;
      const file = join(this.dir, name);
      const bytes = statSync(file).size;
      this.segments.push({ file, seq: Number(m[1]), samples: Number(m[2]), bytes });
      this.total += bytes;
    }
    this.segments.sort((a, b) => a.seq - b.seq);
    this.next = (this.segments[this.segments.length - 1]?.seq ?? -1) + 1;
    this.trim(0);
  }

  /** Bytes on disk. */
  get bytes(): number {
    return this.total;
  }
  /** Segments waiting. */
  get length(): number {
    return this.segments.length;
  }
  /** Samples waiting. */
  get samples(): number {
    let n = 0;
    for (const s of this.segments) n += s.samples;
    return n;
  }

  /** Persist one request body; drops the oldest segments first if it would pass the cap. */
  append(body: Uint8Array, samples: number): void {
    if (body.byteLength > this.maxBytes) {
      this.onDrop(samples, 1);
      return;
    }
    this.trim(body.byteLength);
    const seq = this.next++;
    const name = `${String(seq).padStart(16, '0')}-${samples}.rw`;
    const file = join(this.dir, name);
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    this.segments.push({ file, seq, samples, bytes: body.byteLength });
    this.total += body.byteLength;
  }

  /** The oldest segment, if any. */
  peek(): Segment | undefined {
    return this.segments[0];
  }

  read(segment: Segment): Buffer {
    return readFileSync(segment.file);
  }

  /** Forget a segment (delivered, or refused for good). */
  remove(segment: Segment): void {
    const i = this.segments.indexOf(segment);
    if (i < 0) return;
    this.segments.splice(i, 1);
    this.total -= segment.bytes;
    rmSync(segment.file, { force: true });
  }

  private trim(incoming: number): void {
    let samples = 0;
    let dropped = 0;
    while (this.segments.length > 0 && this.total + incoming > this.maxBytes) {
      const oldest = this.segments[0] as Segment;
      samples += oldest.samples;
      dropped++;
      this.remove(oldest);
    }
    if (dropped > 0) this.onDrop(samples, dropped);
  }
}
