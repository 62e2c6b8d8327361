import { z } from 'zod';
import {
  AT_ERROR_CLASSES,
  AT_ERROR_KINDS,
  MODEM_DISCONNECT_REASONS,
  MODEM_RECOVERY_STEPS,
  RECONNECT_OUTCOMES,
  REGISTRATION_COMMANDS,
  SIM_STATES,
} from '../../domain/vocab.js';
import { hasSignalReading, SIGNAL_READING_RULE } from '../rules.js';
import { configName, event, pii } from './base.js';

const modem = configName(
  'Modem id; a label only when listed in `modems` (default: the first configured)',
).optional();
const byte = (description: string) => z.number().int().min(0).max(255).meta({ description });
const level = (min: number, max: number, description: string) =>
  z.number().min(min).max(max).optional().meta({ description });

export const modemConnected = event('modem.connected', 'The host opened the modem (serial/QMI/MBIM)', {
  modem,
  initialized: z.boolean().optional().meta({
    description:
      'The modem answers commands (AT init done); default true. Connected and initialised is ready until a registration report says otherwise',
  }),
  model: z.string().max(128).optional().meta({ description: 'Model string (logs only)' }),
  imei: pii('IMEI', 32).optional(),
  imsi: pii('IMSI', 32).optional(),
  iccid: pii('ICCID', 32).optional(),
});

export const modemDisconnected = event('modem.disconnected', 'The host lost the modem', {
  modem,
  reason: z
    .enum(MODEM_DISCONNECT_REASONS)
    .optional()
    .meta({ description: 'Disconnect class; derived from error when absent' }),
  error: pii('Error text (classified, never copied)', 1024).optional(),
});

export const modemReconnected = event('modem.reconnected', 'The modem came back after a disconnect', {
  modem,
  attempt: z.number().int().nonnegative().optional().meta({ description: 'Reconnect attempt number' }),
  reason: z
    .enum(MODEM_DISCONNECT_REASONS)
    .optional()
    .meta({ description: 'Why it had gone (the cause of the disconnect it recovers from); default other' }),
});

export const modemRegistration = event(
  'modem.registration',
  'Network registration status (+CREG/+CGREG/+CEREG/+C5GREG, TS 27.007 7.2)',
  {
    modem,
    stat: byte('<stat>: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming, 6..11'),
    command: z.enum(REGISTRATION_COMMANDS).optional().meta({
      description:
        'Which command (domain) reported it: CREG circuit-switched (the default), CGREG packet-switched, CEREG EPS, C5GREG 5GS; the domains are combined per TS 27.007',
    }),
    act: byte('<AcT> access technology (TS 27.007 7.3), 0..13').optional(),
    lac: pii('Location/tracking area code', 16).optional(),
    cellId: pii('Cell id (compared with the last one to count cell changes; never a label)', 16).optional(),
  },
);

export const modemSignal = event('modem.signal', 'Signal quality: +CSQ, +CESQ, or values already in dBm/dB', {
  modem,
  csq: z
    .object({
      rssi: byte('<rssi> 0..31, 99 unknown (TS 27.007 8.5)'),
      ber: byte('<ber> RXQUAL 0..7, 99 unknown'),
    })
    .optional()
    .meta({ description: '+CSQ values' }),
  cesq: z
    .object({
      rxlev: byte('<rxlev> 0..63, 99 unknown'),
      ber: byte('<ber> 0..7, 99 unknown'),
      rscp: byte('<rscp> 0..96, 255 unknown'),
      ecno: byte('<ecno> 0..49, 255 unknown'),
      rsrq: byte('<rsrq> 0..34, 255 unknown'),
      rsrp: byte('<rsrp> 0..97, 255 unknown'),
    })
    .optional()
    .meta({ description: '+CESQ values (TS 27.007 8.69)' }),
  signal: z
    .object({
      rssiDbm: level(-150, 0, 'RSSI, dBm'),
      rsrpDbm: level(-160, 0, 'LTE/NR RSRP, dBm'),
      rsrqDb: level(-40, 20, 'LTE/NR RSRQ, dB'),
      rscpDbm: level(-150, 0, 'UMTS RSCP, dBm'),
      ecnoDb: level(-40, 10, 'UMTS Ec/No, dB'),
      snrDb: level(-30, 50, 'LTE/NR signal-to-noise ratio (SINR), dB (ModemManager `snr`)'),
      sinrDb: level(-30, 50, 'Same as snrDb (its earlier name)'),
      nrRsrpDbm: level(-160, 0, 'NR RSRP (5G SA serving cell or the EN-DC secondary), dBm'),
      nrRsrqDb: level(-45, 25, 'NR RSRQ, dB'),
      nrSnrDb: level(-30, 50, 'NR SINR, dB'),
      berRatio: level(0, 1, 'Bit error ratio, 0..1'),
    })
    .optional()
    .meta({ description: 'Values already converted (vendor commands: +QENG, ^HCSQ, +CPSI, ^SMONI)' }),
  tech: z.string().max(32).optional().meta({
    description:
      'Access technology of the serving cell: <AcT> name or vendor mode (LTE, WCDMA, NR5G-SA, NR5G-NSA); the values of other technologies are removed',
  }),
  band: z
    .string()
    .max(16)
    .optional()
    .meta({ description: 'Serving band, `lte_b<n>` or `nr_n<n>` (3GPP band numbers)' }),
})
  .refine(hasSignalReading, SIGNAL_READING_RULE)
  // The same rule for JSON Schema (docs/schemas, the clients): the refine above is code only.
  .meta({ anyOf: [{ required: ['csq'] }, { required: ['cesq'] }, { required: ['signal'] }] });

export const modemOperator = event(
  'modem.operator',
  'Serving operator and access technology (+COPS, TS 27.007 7.3)',
  {
    modem,
    operator: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'Operator name or MCC+MNC; a label only when listed in `operators`' }),
    act: z
      .union([z.number().int().min(0).max(255), z.string().max(32)])
      .optional()
      .meta({ description: '<AcT> number or a name such as LTE, UMTS, NR5G-SA' }),
  },
);

export const modemSim = event('modem.sim', 'SIM state: +CPIN (TS 27.007 8.3) or a SIM +CME/+CMS ERROR', {
  modem,
  state: z.enum(SIM_STATES).meta({
    description:
      'ready, sim_pin, sim_puk, sim_pin2, sim_puk2, ph_sim_pin, personalisation, not_inserted, ...',
  }),
});

export const modemAtError = event(
  'modem.at_error',
  'A command ended in an error: +CME ERROR (TS 27.007 9.2), +CMS ERROR (TS 27.005 3.2.5), ERROR or a vendor code',
  {
    modem,
    kind: z.enum(AT_ERROR_KINDS).meta({ description: 'cme, cms, error (plain) or vendor' }),
    code: z
      .number()
      .int()
      .min(-1)
      .max(9999)
      .optional()
      .meta({ description: '<err> number, when numeric or a known verbose text' }),
    class: z
      .enum(AT_ERROR_CLASSES)
      .optional()
      .meta({ description: 'Error class; derived from kind and code when absent' }),
  },
);

export const modemRecovery = event(
  'modem.recovery',
  'A step of the recovery ladder of a modem that stopped answering, with its outcome',
  {
    modem,
    step: z
      .enum(MODEM_RECOVERY_STEPS)
      .meta({ description: 'reopen (the port), reset (AT+CFUN=1,1), registration' }),
    outcome: z.enum(RECONNECT_OUTCOMES).meta({ description: 'ok or fail' }),
  },
);

export const modemEvents = [
  modemConnected,
  modemDisconnected,
  modemReconnected,
  modemRegistration,
  modemSignal,
  modemOperator,
  modemSim,
  modemAtError,
  modemRecovery,
] as const;
