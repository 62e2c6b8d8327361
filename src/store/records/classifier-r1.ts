/**
 * The call classifier's SQL (src/domain/outcome/sql.ts) as the released migrations built the calls
 * table with it: SQLite 1 and 3, PostgreSQL 1. Frozen text: those migrations must not change when
 * the classifier does (test/store/migrations-frozen.test.ts pins them). A store built with them is
 * at classifier revision 1; a later revision rebuilds it on open (records/rederive.ts).
 */

/** The three generated columns of a call row that the classifier decides. */
export interface ClassifierSql {
  reason: string;
  status: string;
  kpi: string;
}

/** PostgreSQL's generated columns cannot read each other: status gets the reason expression inline. */
export const pgStatus = (c: ClassifierSql): string => c.status.replace('reason_eff', c.reason);

/** Revision 1, as `reasonSql()`, `statusSql()` and `kpiSql()` rendered it. Never edit. */
export const CLASSIFIER_R1: ClassifierSql = {
  reason: `(CASE WHEN ended_at IS NULL THEN NULL ELSE COALESCE(reason,
    (CASE WHEN sip_code >= 300 THEN (CASE sip_code WHEN 401 THEN 'auth' WHEN 403 THEN 'rejected' WHEN 404 THEN 'unavailable' WHEN 407 THEN 'auth' WHEN 408 THEN 'timeout' WHEN 410 THEN 'unavailable' WHEN 415 THEN 'codec' WHEN 480 THEN 'no_answer' WHEN 484 THEN 'unavailable' WHEN 486 THEN 'busy' WHEN 487 THEN 'cancelled' WHEN 488 THEN 'codec' WHEN 500 THEN 'network_error' WHEN 502 THEN 'network_error' WHEN 503 THEN 'network_error' WHEN 504 THEN 'network_error' WHEN 600 THEN 'busy' WHEN 603 THEN 'rejected' WHEN 604 THEN 'unavailable' WHEN 606 THEN 'codec' END) END),
    (CASE q850 WHEN 1 THEN 'unavailable' WHEN 3 THEN 'unavailable' WHEN 16 THEN 'normal' WHEN 17 THEN 'busy' WHEN 18 THEN 'no_answer' WHEN 19 THEN 'no_answer' WHEN 20 THEN 'unavailable' WHEN 21 THEN 'rejected' WHEN 22 THEN 'unavailable' WHEN 27 THEN 'unavailable' WHEN 28 THEN 'unavailable' WHEN 31 THEN 'normal' WHEN 34 THEN 'network_error' WHEN 38 THEN 'network_error' WHEN 41 THEN 'network_error' WHEN 42 THEN 'network_error' WHEN 47 THEN 'network_error' WHEN 58 THEN 'codec' WHEN 65 THEN 'codec' WHEN 79 THEN 'codec' WHEN 88 THEN 'codec' WHEN 102 THEN 'timeout' END),
    CASE WHEN sip_code >= 300 THEN 'other' END,
    CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'normal' WHEN hangup_by = 'caller' THEN 'cancelled' ELSE 'other' END) END)`,
  status: `(CASE WHEN ended_at IS NULL THEN 'active' WHEN end_status IS NOT NULL THEN end_status
    WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'completed'
    ELSE (CASE reason_eff WHEN 'busy' THEN 'busy' WHEN 'no_answer' THEN 'no_answer' WHEN 'cancelled' THEN 'cancelled' WHEN 'normal' THEN 'cancelled' WHEN 'timeout' THEN 'timeout' ELSE 'failed' END) END)`,
  kpi: `(CASE WHEN ended_at IS NULL THEN 0 ELSE ((CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 689
    WHEN sip_code >= 300 THEN (CASE sip_code WHEN 401 THEN 4864 WHEN 403 THEN 4224 WHEN 404 THEN 4224 WHEN 407 THEN 4864 WHEN 408 THEN 3264 WHEN 410 THEN 4224 WHEN 415 THEN 4224 WHEN 480 THEN 1696 WHEN 484 THEN 4224 WHEN 486 THEN 1184 WHEN 487 THEN 3712 WHEN 488 THEN 4224 WHEN 500 THEN 3264 WHEN 502 THEN 4224 WHEN 503 THEN 3264 WHEN 504 THEN 3264 WHEN 600 THEN 1184 WHEN 603 THEN 2208 WHEN 604 THEN 4224 WHEN 606 THEN 4224 ELSE (CASE WHEN sip_code < 400 THEN 2696 ELSE 4224 END) END)
    WHEN reason IS NOT NULL THEN (CASE reason WHEN 'busy' THEN 1184 WHEN 'no_answer' THEN 1696 WHEN 'rejected' THEN 2208 WHEN 'cancelled' THEN 3712 WHEN 'normal' THEN 3712 WHEN 'timeout' THEN 3264 ELSE 4224 END)
    WHEN q850 IS NOT NULL THEN (CASE q850 WHEN 16 THEN 3712 WHEN 17 THEN 1184 WHEN 18 THEN 3264 WHEN 19 THEN 1696 WHEN 20 THEN 1696 WHEN 31 THEN 3712 WHEN 34 THEN 3264 WHEN 38 THEN 3264 WHEN 41 THEN 3264 WHEN 42 THEN 3264 WHEN 47 THEN 3264 WHEN 58 THEN 3264 WHEN 88 THEN 3264 WHEN 102 THEN 3264 WHEN 111 THEN 3264 WHEN 127 THEN 3264 ELSE 4224 END)
    WHEN end_status IS NOT NULL THEN (CASE end_status WHEN 'completed' THEN 689 WHEN 'failed' THEN 4224 WHEN 'busy' THEN 1184 WHEN 'no_answer' THEN 1696 WHEN 'cancelled' THEN 3712 WHEN 'timeout' THEN 3264 ELSE 4224 END)
    WHEN hangup_by = 'caller' THEN 3712
    ELSE 4224 END) | (CASE COALESCE(q850, (CASE sip_code WHEN 200 THEN 16 WHEN 480 THEN 18 WHEN 486 THEN 17 WHEN 600 THEN 17 WHEN 603 THEN 21 END),
    CASE WHEN sip_code IS NULL THEN (CASE COALESCE(reason, CASE WHEN (answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299)) THEN 'normal' END) WHEN 'normal' THEN 16 WHEN 'busy' THEN 17 WHEN 'no_answer' THEN 18 WHEN 'rejected' THEN 21 END) END) WHEN 16 THEN 2 WHEN 17 THEN 2 WHEN 18 THEN 2 WHEN 19 THEN 2 WHEN 21 THEN 2 ELSE 0 END) | (CASE WHEN channel = 'sip' OR channel = 'webrtc' THEN 4 ELSE 0 END)) END)`,
};
