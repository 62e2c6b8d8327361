/**
 * Every AT command the modem source sends: when, what it changes on the modem, and in which mode.
 * The source takes its sequences from here, docs/sources/modem.md prints this table, and the
 * transcript tests check that every line sidetone wrote to a modem is one of these (and, in the
 * shared-port mode, only the ones that change nothing).
 */

import { InternalError } from '../../errors.js';

/** `full`: sidetone owns the modem. `shared`: another program owns its SMS; sidetone only reads. */
export type ModemMode = 'full' | 'shared';

export interface ModemCommand {
  /** As sent; `<n>` / `<mem>` stand for the index or storage filled in. */
  command: string;
  /** What a sent line must match to be this command. */
  pattern: RegExp;
  /** When it is sent. */
  when: string;
  /** What it changes on the modem ("nothing" for reads). */
  changes: string;
  /** Modes that send it. */
  modes: readonly ModemMode[];
}

const both = ['full', 'shared'] as const;
const full = ['full'] as const;

/** The table, in the order a connection sends them. */
export const MODEM_COMMANDS: readonly ModemCommand[] = [
  {
    command: 'AT',
    pattern: /^AT$/,
    when: 'first on every (re)connect, then at the start of every poll: is the modem answering',
    changes: 'nothing',
    modes: both,
  },
  {
    command: 'ATE0',
    pattern: /^ATE0$/,
    when: 'initialisation',
    changes:
      'echo off on this AT port (V.250 E); echo back after replies came without it is how a silent restart is noticed (a modem that keeps echoing through ATE0 is left so)',
    modes: full,
  },
  {
    command: 'AT+CMEE=1',
    pattern: /^AT\+CMEE=1$/,
    when: 'initialisation',
    changes: 'errors as numbered +CME ERROR codes instead of a bare ERROR (27.007 9.1)',
    modes: full,
  },
  {
    command: 'AT+CPIN?',
    pattern: /^AT\+CPIN\?$/,
    when: 'initialisation and every poll',
    changes: 'nothing (SIM state, 27.007 8.3)',
    modes: both,
  },
  {
    command: 'AT+CGMI',
    pattern: /^AT\+CGMI$/,
    when: 'initialisation',
    changes: 'nothing (manufacturer: picks the vendor signal command)',
    modes: both,
  },
  {
    command: 'AT+CGMM',
    pattern: /^AT\+CGMM$/,
    when: 'initialisation',
    changes: 'nothing (model, for the logs)',
    modes: both,
  },
  {
    command: 'AT+CMGF=1',
    pattern: /^AT\+CMGF=1$/,
    when: 'initialisation',
    changes:
      'SMS text mode for every SMS command of the modem (27.005 3.2.3): a program that expects PDU mode breaks',
    modes: full,
  },
  {
    command: 'AT+CREG=2',
    pattern: /^AT\+CREG=2$/,
    when: 'initialisation',
    changes:
      'circuit-switched registration reported unsolicited, with location (27.007 7.2); the +CREG? reply gains fields',
    modes: full,
  },
  {
    command: 'AT+CGREG=2',
    pattern: /^AT\+CGREG=2$/,
    when: 'initialisation',
    changes: 'the same for packet-switched registration (27.007 10.1.20)',
    modes: full,
  },
  {
    command: 'AT+CEREG=2',
    pattern: /^AT\+CEREG=2$/,
    when: 'initialisation',
    changes: 'the same for EPS (LTE) registration (27.007 10.1.22)',
    modes: full,
  },
  {
    command: 'AT+C5GREG=2',
    pattern: /^AT\+C5GREG=2$/,
    when: 'initialisation (modems without 5G answer ERROR, once)',
    changes: 'the same for 5GS registration (27.007 10.1.47)',
    modes: full,
  },
  {
    command: 'AT+CNMI=2,1,0,1,0',
    pattern: /^AT\+CNMI=2,1,0,1,0$/,
    when: 'initialisation',
    changes:
      'new messages announced by +CMTI, status reports routed as +CDS (27.005 3.4.1): takes the indications away from any other program on the modem',
    modes: full,
  },
  {
    command: 'AT+CLCC=1',
    pattern: /^AT\+CLCC=1$/,
    when: 'initialisation',
    changes: 'call list reported unsolicited (vendor extension; ERROR where unsupported)',
    modes: full,
  },
  {
    command: 'AT+CPMS?',
    pattern: /^AT\+CPMS\?$/,
    when: 'initialisation',
    changes: 'nothing (which storage messages are read from)',
    modes: full,
  },
  {
    command: 'AT+CMGL="REC UNREAD"',
    pattern: /^AT\+CMGL="REC UNREAD"$/,
    when: 'initialisation, so a message that arrived while the modem was gone or restarting is counted',
    changes: 'every unread message listed becomes read (27.005 3.4.2)',
    modes: full,
  },
  {
    command: 'AT+CSQ',
    pattern: /^AT\+CSQ$/,
    when: 'every poll',
    changes: 'nothing (signal, 27.007 8.5)',
    modes: both,
  },
  {
    command: 'AT+CESQ',
    pattern: /^AT\+CESQ$/,
    when: 'every poll (stops after ERROR)',
    changes: 'nothing (extended signal, 27.007 8.69)',
    modes: both,
  },
  { command: 'AT+CREG?', pattern: /^AT\+CREG\?$/, when: 'every poll', changes: 'nothing', modes: both },
  {
    command: 'AT+CGREG?',
    pattern: /^AT\+CGREG\?$/,
    when: 'every poll (stops after ERROR)',
    changes: 'nothing',
    modes: both,
  },
  {
    command: 'AT+CEREG?',
    pattern: /^AT\+CEREG\?$/,
    when: 'every poll (stops after ERROR)',
    changes: 'nothing',
    modes: both,
  },
  {
    command: 'AT+C5GREG?',
    pattern: /^AT\+C5GREG\?$/,
    when: 'every poll (stops after ERROR)',
    changes: 'nothing',
    modes: both,
  },
  {
    command: 'AT+COPS?',
    pattern: /^AT\+COPS\?$/,
    when: 'every poll',
    changes: 'nothing (operator and access technology, 27.007 7.3)',
    modes: both,
  },
  {
    command: 'AT+QENG="servingcell"',
    pattern: /^AT\+QENG="servingcell"$/,
    when: 'every poll, Quectel modules',
    changes: 'nothing (serving cell: band, RSRP, RSRQ, SINR)',
    modes: both,
  },
  {
    command: 'AT^HCSQ?',
    pattern: /^AT\^HCSQ\?$/,
    when: 'every poll, Huawei modems',
    changes: 'nothing (serving cell signal)',
    modes: both,
  },
  {
    command: 'AT+CPSI?',
    pattern: /^AT\+CPSI\?$/,
    when: 'every poll, SIMCom modules',
    changes: 'nothing (serving cell: band, RSRP, RSRQ, SNR)',
    modes: both,
  },
  {
    command: 'AT^SMONI',
    pattern: /^AT\^SMONI$/,
    when: 'every poll, Cinterion modules',
    changes: 'nothing (serving cell)',
    modes: both,
  },
  {
    command: 'AT+CMGR=<n>',
    pattern: /^AT\+CMGR=\d+$/,
    when: 'after +CMTI (new message) or +CDSI (stored status report)',
    changes:
      'the message read becomes read (27.005 3.4.3); its text stays on the modem, sidetone keeps the sender only',
    modes: full,
  },
  {
    command: 'AT+CPMS="<mem>"',
    pattern: /^AT\+CPMS="[A-Z]{2}"$/,
    when: 'before such a read when the indication names another storage (SR for reports), and after it to go back',
    changes: 'the storage messages are read from (27.005 3.2.2), for the time of the read',
    modes: full,
  },
  {
    command: 'AT+CLCC',
    pattern: /^AT\+CLCC$/,
    when: 'after RING',
    changes: 'nothing (current calls)',
    modes: full,
  },
  {
    command: 'AT+CFUN=1,1',
    pattern: /^AT\+CFUN=1,1$/,
    when: 'recovery, after three reopens of a modem that stopped answering',
    changes: 'resets the modem (27.007 8.2): every data session and call drops',
    modes: full,
  },
];

const byName = (command: string): ModemCommand => {
  const c = MODEM_COMMANDS.find((x) => x.command === command);
  if (c === undefined) throw new InternalError(`${command} is not in MODEM_COMMANDS`);
  return c;
};

/** Initialisation, in order, for a mode. */
export function initCommands(mode: ModemMode): string[] {
  return MODEM_COMMANDS.filter((c) => c.modes.includes(mode) && /^initialisation|^first/.test(c.when)).map(
    (c) => c.command,
  );
}

/** The registration read of each domain, in REGISTRATION_DOMAINS order. */
export const REGISTRATION_READS = ['AT+CREG?', 'AT+CGREG?', 'AT+CEREG?', 'AT+C5GREG?'].map(
  (c) => byName(c).command,
);

/** The vendor serving-cell read by manufacturer (+CGMI answer, case-insensitive). */
export const VENDOR_READS: ReadonlyArray<readonly [RegExp, string]> = [
  [/quectel/i, byName('AT+QENG="servingcell"').command],
  [/huawei/i, byName('AT^HCSQ?').command],
  [/simcom/i, byName('AT+CPSI?').command],
  [/cinterion|siemens|gemalto|thales/i, byName('AT^SMONI').command],
];

/**
 * True when `line` is a command sidetone may send in `mode`.
 * @example isModemCommand('AT+CMGR=3', 'shared') // false
 */
export function isModemCommand(line: string, mode: ModemMode): boolean {
  return MODEM_COMMANDS.some((c) => c.modes.includes(mode) && c.pattern.test(line));
}
