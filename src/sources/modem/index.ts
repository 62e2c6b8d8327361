export { AtChannel, AtQueueFull, type AtResponse, AtTimeout } from './at.js';
export { atParams, parseCds, parseClcc, parseCmgrSender, parseCmti, parseCops, parseCusd } from './parse.js';
export { type ModemPort, ModemSource, type ModemSourceOptions } from './source.js';
