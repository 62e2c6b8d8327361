// Issue 31, defect 8: a modem that floods unsolicited result codes. Before, 1M of them took the heap
// from 8.6 to 375 MiB (1,042 MiB here for 1M RINGs): each RING queued an AT+CLCC and each +CMTI an
// AT+CMGR. `sidetone serve --modem` opens the simulated modem of the tests on a pseudo-terminal
// (test/sources/modem/fake_modem.py, python3), which sends RINGs and +CMTIs for 1,000 different
// SIM slots in turn while it keeps answering commands: the heap must stay flat, the dropped
// follow-ups be counted, and the modem stay connected and polled.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiB, peakOf, rssOf, sample, sleep, startSidecar } from '../capture-kit.mjs';

const FAKE = fileURLToPath(new URL('../../../test/sources/modem/fake_modem.py', import.meta.url));

export default {
  name: 'modem-flood',
  async run({ full, log }) {
    const count = full ? 1_000_000 : 200_000;
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-chaos-modem-'));
    const link = join(dir, 'modem');
    const replies = {
      'AT+CSQ': ['+CSQ: 20,99'],
      'AT+CREG?': ['+CREG: 2,1,"00C3","A1B2C3",7'],
      'AT+CEREG?': ['+CEREG: 2,1'],
      'AT+CLCC': ['+CLCC: 1,1,4,0,0,"+447700900456",145'],
    };
    const script = [{ at: 3, flood: { line: ['RING', '+CMTI: "SM",{i}'], count } }];
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ link, replies, script, duration: 600 }));
    const sim = spawn('python3', [FAKE, join(dir, 'cfg.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let flooded = false;
    sim.stdout.on('data', (d) => {
      if (String(d).includes('flooded')) flooded = true;
    });
    await new Promise((r) => sim.stdout.once('data', r));
    const side = await startSidecar(
      { modem: link, 'modem.poll_seconds': 1, 'store.hash_key': 'chaos-hash-key-0123456789' },
      { log },
    );
    try {
      const heapStart = sample(await side.metrics(), 'nodejs_heap_size_used_bytes');
      const rss = peakOf(() => rssOf(side.pid));
      let heapPeak = heapStart;
      const t0 = Date.now();
      while (!flooded && Date.now() - t0 < 300_000) {
        await sleep(500);
        heapPeak = Math.max(heapPeak, sample(await side.metrics(), 'nodejs_heap_size_used_bytes'));
      }
      const floodSeconds = (Date.now() - t0) / 1000;
      await sleep(2500); // two polls after the flood
      const text = await side.metrics();
      const figures = {
        unsolicited_sent: count,
        flood_seconds: Math.round(floodSeconds * 10) / 10,
        heap_start_mib: MiB(heapStart),
        heap_peak_mib: MiB(Math.max(heapPeak, sample(text, 'nodejs_heap_size_used_bytes'))),
        rss_peak_mib: MiB(rss.stop()),
        // A series appears at its first increment.
        commands_refused: sample(text, 'sidetone_modem_queue_overflow_total', 'queue="commands"') || 0,
        unsolicited_dropped: sample(text, 'sidetone_modem_queue_overflow_total', 'queue="unsolicited"') || 0,
        modem_connected: sample(text, 'sidetone_modem_connected'),
      };
      log(JSON.stringify(figures));
      if (!flooded) throw new Error('the flood did not finish in 300 s');
      if (figures.modem_connected !== 1) throw new Error('the modem is not connected after the flood');
      if (figures.heap_peak_mib - figures.heap_start_mib > 64)
        throw new Error(
          `the heap grew ${figures.heap_peak_mib - figures.heap_start_mib} MiB under the flood`,
        );
      return figures;
    } finally {
      await side.stop();
      sim.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
