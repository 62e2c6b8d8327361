/**
 * PostgreSQL statement triggers over transition tables: the rollups, the filing lags and the
 * pending SMS are each kept by one function per operation, run once per statement with the
 * statement's rows (`new_rows`, `old_rows`) instead of once per row.
 */
type Op = 'insert' | 'update' | 'delete';

const TRANSITION: Record<Op, string> = {
  insert: 'NEW TABLE AS new_rows',
  update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  delete: 'OLD TABLE AS old_rows',
};

/**
 * `CREATE TRIGGER <name>_<op>` on `table` for each operation given, calling its function.
 * @example statementTriggers('sms', 'sms_days', { insert: 'sidetone_sms_days' })
 */
export function statementTriggers(table: string, name: string, fns: Partial<Record<Op, string>>): string {
  return (Object.entries(fns) as Array<[Op, string]>)
    .map(
      ([op, fn]) =>
        `CREATE TRIGGER ${name}_${op} AFTER ${op.toUpperCase()} ON ${table} REFERENCING ${TRANSITION[op]}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
    )
    .join('\n  ');
}
