/** See disk-fill.mjs. */
export declare function mountSmall(
  mib: number,
  prefix?: string,
): { dir: string; kind: string; unmount(): void } | { skipped: string };
export declare function fillDisk(dir: string): string[];
