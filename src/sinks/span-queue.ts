import { type Context, context, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Why an ended span was not exported: the `reason` label of `<prefix>_otel_spans_dropped_total`. */
export const SPAN_DROP_REASONS = ['queue_full', 'export_failed', 'shutdown'] as const;
export type SpanDropReason = (typeof SPAN_DROP_REASONS)[number];

export interface SpanQueueOptions {
  /** Ended spans waiting at most; past it the oldest is dropped. Default 2048. */
  maxQueue?: number;
  /** Spans per export request. Default 512. */
  maxBatch?: number;
  /** A partial batch waits this long for more spans. Default 5000 ms. */
  delayMs?: number;
  /** One export request may take this long, then counts as failed. Default 10 000 ms. */
  exportTimeoutMs?: number;
  /** `shutdown()` resolves within this, whatever the exporter does. Default 2000 ms. */
  shutdownTimeoutMs?: number;
  /** Told about every span dropped, and every span exported. */
  onDrop?: (reason: SpanDropReason, n: number) => void;
  onExported?: (n: number) => void;
}

/** `work`'s result, or undefined once `ms` have passed (the work goes on, unwaited). */
export function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * A span processor whose memory and shutdown are bounded whatever the collector does, where the
 * SDK's BatchSpanProcessor is not: with the endpoint down it kept each batch through the exporter's
 * retries and its 30 s export timeout, RSS rose to 364-408 MiB (191 with a healthy collector) and
 * shutdown waited out every retry, 9-10 s (issue 31). Here ended spans wait in a ring of
 * `maxQueue` (the oldest dropped and counted, so an outage keeps the newest), one export runs at a
 * time and fails after `exportTimeoutMs` (its spans dropped and counted), and `shutdown()` gives the
 * last export and the exporter's own shutdown `shutdownTimeoutMs` in all.
 *
 * @example
 * const queue = new BoundedSpanProcessor(new OTLPTraceExporter({ url }), { onDrop: (r, n) => dropped.labels({ reason: r }).inc(n) });
 * const provider = new BasicTracerProvider({ spanProcessors: [queue] });
 */
export class BoundedSpanProcessor implements SpanProcessor {
  private readonly ring: Array<ReadableSpan | undefined>;
  private head = 0;
  private count = 0;
  private exporting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly exportTimeoutMs: number;
  private readonly shutdownTimeoutMs: number;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly options: SpanQueueOptions = {},
  ) {
    this.ring = new Array(Math.max(1, options.maxQueue ?? 2048)).fill(undefined);
    this.maxBatch = Math.max(1, Math.min(options.maxBatch ?? 512, this.ring.length));
    this.delayMs = options.delayMs ?? 5000;
    this.exportTimeoutMs = options.exportTimeoutMs ?? 10_000;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 2000;
  }

  /** Spans waiting for export now. */
  get queued(): number {
    return this.count;
  }

  onStart(_span: Span, _parent: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.closed !== undefined) {
      this.options.onDrop?.('shutdown', 1);
      return;
    }
    const cap = this.ring.length;
    if (this.count === cap) {
      // Full: the oldest goes, so after an outage the collector gets the most recent calls.
      this.head = (this.head + 1) % cap;
      this.count--;
      this.options.onDrop?.('queue_full', 1);
    }
    this.ring[(this.head + this.count) % cap] = span;
    this.count++;
    if (this.count >= this.maxBatch) this.kick();
    else if (this.timer === undefined && this.exporting === undefined) {
      this.timer = setTimeout(() => this.kick(), this.delayMs);
      this.timer.unref();
    }
  }

  private take(): ReadableSpan[] {
    const n = Math.min(this.count, this.maxBatch);
    const cap = this.ring.length;
    const out = new Array<ReadableSpan>(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.head] as ReadableSpan;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
    }
    this.count -= n;
    return out;
  }

  /** Start an export unless one runs; when it ends, go on while a full batch waits. */
  private kick(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.exporting !== undefined || this.count === 0) return;
    this.exporting = this.exportBatch(this.take()).finally(() => {
      this.exporting = undefined;
      if (this.closed !== undefined || this.count === 0) return;
      if (this.count >= this.maxBatch) this.kick();
      else {
        this.timer = setTimeout(() => this.kick(), this.delayMs);
        this.timer.unref();
      }
    });
  }

  private async exportBatch(spans: ReadableSpan[]): Promise<void> {
    const done = new Promise<boolean>((resolve) => {
      // The exporter's own HTTP calls must not make spans of their own.
      context.with(suppressTracing(context.active()), () => {
        try {
          this.exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS));
        } catch {
          resolve(false);
        }
      });
    });
    const ok = await within(this.exportTimeoutMs, done);
    if (ok === true) this.options.onExported?.(spans.length);
    else this.options.onDrop?.('export_failed', spans.length);
  }

  /** Export everything queued now, one batch at a time, each within the export timeout. */
  async forceFlush(): Promise<void> {
    while (this.exporting !== undefined) await this.exporting;
    while (this.count > 0 && this.closed === undefined) {
      this.kick();
      await this.exporting;
    }
  }

  /** Last export and exporter shutdown within `shutdownTimeoutMs` in all; what is left is dropped. */
  shutdown(): Promise<void> {
    if (this.closed !== undefined) return this.closed;
    const deadline = Date.now() + this.shutdownTimeoutMs;
    const last = (async () => {
      while (this.exporting !== undefined) await this.exporting;
      while (this.count > 0 && Date.now() < deadline) {
        this.kick();
        await this.exporting;
      }
    })();
    this.closed = (async () => {
      await within(deadline - Date.now(), last);
      const stop = Promise.resolve()
        .then(() => this.exporter.shutdown())
        .catch(() => {});
      await within(deadline - Date.now(), stop);
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      const left = this.count;
      this.ring.fill(undefined);
      this.count = 0;
      if (left > 0) this.options.onDrop?.('shutdown', left);
    })();
    return this.closed;
  }
}
