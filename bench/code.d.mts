// Types of bench/code.mjs for the tests that check which code a suite's digest covers.

export function codeOf(suite: string): string;
/** A file's text without its comments. */
export function code(text: string): string;
/** The bench files `entry` runs, itself included. */
export function benchFiles(entry: string): Set<string>;
