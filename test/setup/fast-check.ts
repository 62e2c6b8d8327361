import fc from 'fast-check';

/**
 * fast-check's settings in one place, the same locally and in CI. A property names its own
 * `numRuns` where it needs more than the default (each such count is part of what it proves);
 * the rest run this many. No seed is fixed: a failure prints its seed and path to replay.
 */
fc.configureGlobal({ numRuns: 100 });
