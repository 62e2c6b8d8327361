import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_REVISION } from '../../src/domain/outcome/table.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/sql.js';
import { CLASSIFIER_R1, type ClassifierSql } from '../../src/store/records/classifier-r1.js';
import { kpiFlagsSql, reasonSql, statusSql } from '../../src/store/records/derive.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';

/**
 * Released migrations are frozen text. Several are built from code (the rollup definitions; the
 * call classifier's SQL of revision 1, kept as a literal in src/store/records/classifier-r1.ts): a change
 * there would change what new store files get while files already migrated keep the old text for
 * good. Each released migration's SQL is pinned here by its SHA-256; a change to the rollups must
 * leave these texts as they were and append a migration, on both backends. A change to the
 * classifier bumps its revision instead (pinned below), which rebuilds older stores on open.
 */
const SQLITE: ReadonlyArray<readonly [number, string]> = [
  [1, '35861a8bea40887ef19641bdd488a4ada8c4c9fc5b90c67fe79cf72f0f3efb2e'],
  [2, 'bf73b438a4880a9119bfeb24c488ab5c8575429639371b8d4defe3946a27e8c2'],
  [3, 'e4e2a71a65f1ca65464e1fe56a454784eaaf5bd5734d3be8ed3805f54c9af415'],
  [4, '661200026833cb8ed81e4dc5ad940594f4b40cc6e7961fa582391671b4709fb5'],
  [5, '5c0bfdf186fe7923c2d27c5f8cee0d0f5dabcc97a333af63f6c22e72b1c20c22'],
  [6, '4837c111f86ea55a51ee8937d3b5b2a130ade61278ddfd217c0aa199a667771a'],
  [7, '1323d0217ba67660d45c13962b1decfa5745851fdf48bf4d072067e3d5cda586'],
  [8, 'afa997245db3b3d2b86ad83bacc8be71a8423c16b56bb36b6535f9c8a4071c72'],
  [9, '41469b3376850b038d243441743fd36b360d45357b780b692347bfb0cac9912d'],
  [10, '32e6fc2b7844198f0244a9cd15884853eba90985074bc07e5fb4ca7bc7932d86'],
  [11, '2af075f4df4b4569064cd6a50cd6fb0808b6802d2b8ff97a87b1a6fab1a2799f'],
  [12, 'a451444c9eb95fbd63e9f62aaf577e94ba4efb14cb5208b0a71e051d0d41fee5'],
  [13, '9fee049051cc0d7532c9c4d3cb4e1bd2212687a6061cee33973a3f77930edbb7'],
  [14, 'b3a6065f86cf07258d0b645b293edaf2d0ba110e4719adf501086a64a583f501'],
  [15, '55b7655422501fde72bdf8d665aaf8b6619efc96295ef38003c9c6359b62a7bc'],
  [16, '9e790e8f51c7d0bfc38c6ac9e25b4fb3e198ccc237277f587609304b0431998b'],
  [17, 'd4df1a22b22c7b41b96add1d305d46ac729b0983187ae6892bc72818b3d8e0e9'],
];
const POSTGRES: ReadonlyArray<readonly [number, string]> = [
  [1, '61f1d32a38a78af664463222cde60a5f9f01bd2be8acceb82b45b983ac484c6f'],
  [2, '9fb14410612ae972120269708bcb8eb8665412b95c33974de8b499cf75bb51cd'],
  [3, '0431d870a42a1062b5bbe4f3cbc1620bb77108d7efac644e87ccc1a7225415c8'],
  [4, 'f9ed526436b45a0eefd9ed0bc2af776c6b5c07b7b6348bc347ac943dd3e6e603'],
  [5, 'ce153850e46c23f7cbde28212e10d78d1a562619b23d9a31866fe2afb9d87be6'],
  [6, 'd541bfea4a848ad25013e641c4fec9986a59e9bc88eba9e9c9ab92302fb0a4fb'],
  [7, '41469b3376850b038d243441743fd36b360d45357b780b692347bfb0cac9912d'],
  [8, 'd7928fb007fec8bb3d31965afbe18d36de7c8b190debdf74ebb470cb2b7c459b'],
  [9, '2af075f4df4b4569064cd6a50cd6fb0808b6802d2b8ff97a87b1a6fab1a2799f'],
  [10, '414105832f10d23ca8efee1dc898baa062a83f3620de473b7c2ed91ea4087c5f'],
  [11, '968b2a817e465b9eac7854490c082ccaacd2f1af6bc69fd5d2f8737e12c39198'],
  [12, 'b3a6065f86cf07258d0b645b293edaf2d0ba110e4719adf501086a64a583f501'],
  [13, '47ed7f51c79f91dfd10abc4dbc9542af9476399861369959b97ba781a17953db'],
  [14, '9e790e8f51c7d0bfc38c6ac9e25b4fb3e198ccc237277f587609304b0431998b'],
  [15, '838472b7ff8c8f2e31ea109ba64999b5cc4a184b99e46109460221d47c32575b'],
];
/**
 * The call classifier's SQL (status, reason, KPI bits) at each revision. A change to the
 * classifier changes this hash: bump CLASSIFIER_REVISION (src/domain/outcome/table.ts) and pin the
 * new revision here; stores at an older one rebuild on open (src/store/records/rederive.ts).
 */
const CLASSIFIER: ReadonlyArray<readonly [number, string]> = [
  [1, '200c7164c6ea4d93609a5b018390c6560113f3234532a47118ab59db52fa3417'],
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const classifierSha = (c: ClassifierSql) => sha256([c.reason, c.status, c.kpi].join('\n'));

describe('released migrations are frozen', () => {
  it.each([
    ['SQLite', MIGRATIONS, SQLITE],
    ['PostgreSQL', PG_MIGRATIONS, POSTGRES],
  ] as const)('%s: every released migration keeps its text, byte for byte', (_, migrations, pins) => {
    const changed = pins
      .filter(([version, pin]) => sha256(migrations.find((m) => m.version === version)?.sql ?? '') !== pin)
      .map(([version]) => version);
    expect(changed, 'migrations whose SQL changed: freeze the released text, append a new migration').toEqual(
      [],
    );
    // Versions run in order, one step at a time, and nothing released is dropped.
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations.length).toBeGreaterThanOrEqual(pins.length);
  });

  it('the call classifier is pinned by revision, and revision 1 is what the migrations build', () => {
    const now = { reason: reasonSql(), status: statusSql(), kpi: kpiFlagsSql() };
    expect(
      classifierSha(now),
      `the classifier's SQL changed: bump CLASSIFIER_REVISION (now ${CLASSIFIER_REVISION}) and pin it here`,
    ).toBe(CLASSIFIER.find(([r]) => r === CLASSIFIER_REVISION)?.[1]);
    expect(classifierSha(CLASSIFIER_R1)).toBe(CLASSIFIER[0]![1]);
    expect(CLASSIFIER.map(([r]) => r)).toEqual(CLASSIFIER.map((_, i) => i + 1));
  });
});
