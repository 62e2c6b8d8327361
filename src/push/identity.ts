import type { FamilySnapshot } from '../metrics/snapshot.js';

const UP: FamilySnapshot = {
  name: 'up',
  type: 'gauge',
  help: '1 while this instance pushes its metrics (the series a scrape records for its target)',
  series: [{ labels: [], value: 1 }],
};

/**
 * The families to push, with `up` = 1 added. A scrape makes `up{job, instance}` for every target,
 * and dashboards count instances by it (the shipped `Instances up` panel, the `SidetoneDown` and
 * `SidetoneAbsent` alerts): pushed data must carry it, or a pushing fleet shows no instance. It
 * disappears (after the receiver's staleness window) once the instance stops pushing.
 *
 * @example toWriteRequest(withUp(registry.snapshot()), Date.now(), [['job', 'sidetone']])
 */
export function withUp(families: readonly FamilySnapshot[]): readonly FamilySnapshot[] {
  return families.some((f) => f.name === 'up') ? families : [...families, UP];
}
