#!/usr/bin/env node
// Runs npm scripts at once and fails if any fails: `npm test` type-checks beside the unit suite (a
// single-threaded tsc, about 60 s of CPU on the 2-core machine, and the unit files on threads, which
// never keep both cores busy to the end). Each script's output is printed whole when it ends, so the
// two never interleave.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const runs = names.map(
  (name) =>
    new Promise((resolve) => {
      const child = spawn('npm', ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      child.stdout.on('data', (b) => out.push(b));
      child.stderr.on('data', (b) => out.push(b));
      child.on('close', (code) => {
        process.stdout.write(Buffer.concat(out));
        if (code !== 0) console.error(`npm run ${name} failed (exit ${code})`);
        resolve(code === 0);
      });
    }),
);
const ok = await Promise.all(runs);
process.exit(ok.every(Boolean) ? 0 : 1);
