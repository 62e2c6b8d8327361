/** Every verb, in the order `sidetone --help` lists them. */
import type { AnyCommand } from '../args.js';
import cleanup from './cleanup.js';
import config from './config.js';
import daily from './daily.js';
import dashboard from './dashboard.js';
import dashboards from './dashboards.js';
import demo from './demo.js';
import exportCmd from './export.js';
import failures from './failures.js';
import health from './health.js';
import hourly from './hourly.js';
import lint from './lint.js';
import metrics from './metrics.js';
import rules from './rules.js';
import selftest from './selftest.js';
import serve from './serve.js';
import sms from './sms.js';
import status from './status.js';
import trunks from './trunks.js';

export const COMMANDS: readonly AnyCommand[] = [
  serve,
  demo,
  dashboard,
  trunks,
  sms,
  failures,
  exportCmd,
  hourly,
  daily,
  health,
  status,
  metrics,
  cleanup,
  config,
  selftest,
  rules,
  dashboards,
  lint,
];
