// Preloaded into a benchmarked child (`node -r bench/peak-rss.cjs ...`): as the process exits, writes
// its peak resident set in KiB (every thread counted) to $PEAK_RSS_FILE. VmHWM of /proc/self/status,
// the high-water mark of this address space: getrusage's ru_maxrss survives exec, so a child of a
// large process (this bench) reports its parent's size as its own.
const { readFileSync, writeFileSync } = require('node:fs');

function peakKib() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(peakKib())));
