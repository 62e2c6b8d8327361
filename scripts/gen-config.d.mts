import type { ConfigKey } from '../src/config/keys.js';

/** See gen-config.mjs. */
export declare function configKeys(schema: object): ConfigKey[];
export declare function unmodelledKeys(schema: object, fnNames: readonly string[]): string[];
export declare function renderFastConfigModule(schema: object, fnNames: readonly string[]): string;
