/**
 * Files a verb writes (`rules --out`, `dashboards --out`): a failure names the path, the cause and
 * the fix (a CliError, ST_CLI_FAILED), never "unexpected error" with Node's errno text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './errors.js';

/** The cause and the fix of a failed write of `path`, by its errno code. */
function writeFault(path: string, err: NodeJS.ErrnoException, dir: boolean): CliError {
  const at = JSON.stringify(path);
  const parent = JSON.stringify(dirname(path));
  const why: Record<string, string> = {
    ENOENT: dir
      ? `cannot create ${at}: a parent is missing; pass a path that can be created`
      : `cannot write ${at}: the directory ${parent} does not exist; create it (mkdir -p ${parent}) or pass a path in an existing directory`,
    ENOTDIR: `cannot write ${at}: a part of the path is a file, not a directory; pass another path`,
    EISDIR: `cannot write ${at}: it is a directory; pass a file path such as ${JSON.stringify(`${path.replace(/\/$/, '')}/sidetone.yml`)}`,
    EACCES: `cannot write ${at}: permission denied; pass a path you may write, or run as the owner of ${parent}`,
    EPERM: `cannot write ${at}: permission denied; pass a path you may write, or run as the owner of ${parent}`,
    EROFS: `cannot write ${at}: the file system is read-only; pass a path on a writable one`,
    ENOSPC: `cannot write ${at}: the disk is full; free some space and retry`,
  };
  return new CliError(
    why[err.code ?? ''] ?? `cannot write ${at}: ${err.code ?? 'error'} (${err.message}); pass another path`,
    { cause: err },
  );
}

/** Write `data` to `path`; a failure is a CliError naming the path, its cause and the fix. */
export function writeOutFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw writeFault(path, err as NodeJS.ErrnoException, false);
  }
}

/** Create directory `path` and its parents, with the same errors as {@link writeOutFile}. */
export function makeOutDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw writeFault(path, err as NodeJS.ErrnoException, true);
  }
}
