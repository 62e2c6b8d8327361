import type { Series } from './series.js';

/** Drops a swept entry once its series is collected (unless the key was reused since). */
const FREED = new FinalizationRegistry<{ map: Map<string, WeakRef<object>>; key: string }>(({ map, key }) => {
  if (map.get(key)?.deref() === undefined) map.delete(key);
});

/**
 * Series the TTL sweep took out of a metric's index, by canonical label path, held weakly: a handle
 * the app still holds brings its series back on its next write (no increment lost, no restart on
 * rebinding); a series nobody holds is garbage collected and its entry dropped. Cold path only
 * (a sweep, a first lookup of a value tuple).
 */
export class Swept<S extends Series> {
  private readonly map = new Map<string, WeakRef<S>>();

  add(path: readonly string[], series: S): void {
    const key = path.join('\0');
    this.map.set(key, new WeakRef(series));
    FREED.register(series, { map: this.map, key });
  }

  /** The swept series at `path`, taken out of here (it goes back into the index). */
  take(path: readonly string[]): S | undefined {
    const key = path.join('\0');
    const series = this.map.get(key)?.deref();
    if (series !== undefined) this.map.delete(key);
    return series;
  }

  /** Take out every series written since it was swept (a write sets `idle` to 0), with its path. */
  takeWritten(fn: (path: string[], series: S) => void): void {
    for (const [key, ref] of this.map) {
      const series = ref.deref();
      if (series === undefined) this.map.delete(key);
      else if (series.idle === 0) {
        this.map.delete(key);
        fn(key.split('\0'), series);
      }
    }
  }
}
