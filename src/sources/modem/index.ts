export type { AtResponse } from './at.js';
export type { ModemCommand, ModemMode } from './commands.js';
export { type ModemPort, ModemSource, type ModemSourceOptions } from './source.js';
