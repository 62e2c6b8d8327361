/**
 * Is another program using this modem? The shared-port mode is the default when one is: an SMS
 * gateway (smstools, Gammu, an app on serialport) or ModemManager holding the same AT port, or
 * another port of the same USB modem (an LTE module exposes several: ttyUSB2 for one program,
 * ttyUSB3 for sidetone). Linux only, best effort: processes of other users are not visible
 * without privileges, so an unseen owner is possible (set `modem.mode = "shared"` then).
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The tty devices of the USB modem `device` belongs to (itself when not a USB serial port). */
async function siblings(device: string): Promise<Set<string>> {
  const out = new Set([device]);
  try {
    // /sys/class/tty/ttyUSB2/device -> .../1-1.3/1-1.3:1.2/ttyUSB2: the USB device is two up.
    const iface = await realpath(`/sys/class/tty/${basename(device)}/device`);
    const usb = dirname(dirname(iface));
    for (const i of await readdir(usb)) {
      if (!i.includes(':')) continue;
      for (const tty of await readdir(join(usb, i)).catch(() => [] as string[])) {
        if (/^tty(USB|ACM)\d+$/.test(tty)) out.add(`/dev/${tty}`);
        if (tty === 'tty')
          for (const t of await readdir(join(usb, i, 'tty')).catch(() => [] as string[]))
            out.add(`/dev/${t}`);
      }
    }
  } catch {
    // not a USB serial port (a UART, a pty): the device alone
  }
  return out;
}

/**
 * `pid (name)` of a process other than this one that has the modem's port (or a sibling port of
 * the same USB modem) open, or undefined when none is seen.
 * @example await heldBy('/dev/serial/by-id/usb-Quectel_EG25-if02-port0') // 'pid 812 (ModemManager)'
 */
export async function heldBy(path: string): Promise<string | undefined> {
  let device: string;
  try {
    device = await realpath(path);
  } catch {
    return undefined;
  }
  const ports = await siblings(device);
  const pids = await readdir('/proc').catch(() => [] as string[]);
  for (const pid of pids) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (ports.has(target)) {
        const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
        return `pid ${pid} (${name.slice(0, 32)})`;
      }
    }
  }
  return undefined;
}
