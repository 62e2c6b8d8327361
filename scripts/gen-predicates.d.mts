/** See gen-predicates.mjs. */
export declare function renderPredicatesModule(
  inputs: readonly { type: string; schema: object }[],
  outputs: readonly { type: string; schema: object }[],
  ruleTypes: readonly string[],
): string;
