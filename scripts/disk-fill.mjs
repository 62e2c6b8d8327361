// A small real file system to fill (the disk-full tests and the chaos suite): a tmpfs of `mib` MiB
// mounted at a new directory, else ext4 on a loop file; both need root, as CI runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {{ dir: string, kind: string, unmount(): void } | { skipped: string }} */
export function mountSmall(mib, prefix = 'sidetone-full-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir, kind: 'tmpfs', unmount: () => unmount(dir) };
  } catch {}
  const image = `${dir}.img`;
  try {
    writeFileSync(image, Buffer.alloc(mib * 2 ** 20));
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
    return {
      dir,
      kind: 'ext4 loop',
      unmount: () => {
        unmount(dir);
        rmSync(image, { force: true });
      },
    };
  } catch (err) {
    rmSync(image, { force: true });
    rmSync(dir, { recursive: true, force: true });
    return {
      skipped: `cannot mount a small file system (${String(err.message).split('\n')[0]}): run as root`,
    };
  }
}

function unmount(dir) {
  execFileSync('umount', [dir], { stdio: 'pipe' });
  rmSync(dir, { recursive: true, force: true });
}

/** Write 1 MiB files into `dir`, then 4 KiB ones, until the disk refuses: returns their paths. */
export function fillDisk(dir) {
  const files = [];
  for (const size of [1 << 20, 4096]) {
    for (;;) {
      const f = join(dir, `filler-${files.length}`);
      try {
        writeFileSync(f, Buffer.alloc(size));
        files.push(f);
      } catch {
        rmSync(f, { force: true });
        break;
      }
    }
  }
  return files;
}
