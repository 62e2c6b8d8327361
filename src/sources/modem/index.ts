export { AtChannel, AtQueueFull, type AtResponse, AtTimeout } from './at.js';
export { MODEM_COMMANDS, type ModemCommand, type ModemMode } from './commands.js';
export { atParams, parseClcc, parseCops, parseCusd } from './parse.js';
export { parseCds, parseCmgl, parseCmgr, parseCmt, parseStored } from './sms.js';
export { type ModemPort, ModemSource, type ModemSourceOptions } from './source.js';
