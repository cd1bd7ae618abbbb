// Builds (or reuses) the benchmark store: the real Seattle week repeated with shifted times
// until it holds `target` reads, written through the same insertReads (and so the same
// canvass index hook) the importers use. Cached in bench/.cache (ignored by git).
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../electron/core/clock';
import { sourceId, type NewRead } from '../../electron/core/reads/store';
import { fillPlateIndexFromReads } from '../../electron/core/canvass/plate-index';
import { openStore, type Store } from '../../electron/core/store/db';
import { writePlacesAfter, writeSourceRowsAfter } from '../../electron/core/reads/places';
import { loadSeattleWeek, type WeekRow } from './seattle';
import { DEFAULT_SYNTH, hashCounts, synthRead } from './synth';

/** Bump when the recipe changes so an old cache is rebuilt. */
export const RECIPE = 'canvass-bench-v8';

export interface BuildInfo {
  reads: number;
  builtNow: boolean;
  buildSeconds: number | null;
  fileBytes: number;
}

export function fileBytes(store: Store): number {
  const f = join(store.dataDir, 'canvass.sqlite');
  const wal = `${f}-wal`;
  return statSync(f).size + (existsSync(wal) ? statSync(wal).size : 0);
}

/**
 * Writes synthetic reads as bare rows: the columns insertReads fills for them, no canvass hook.
 * The bulk build uses it, and the ingest benchmark's "without the hook" measurement.
 */
export function benchRowWriter(db: Store['db']): (batch: NewRead[]) => void {
  const sources = new Map<string, number>();
  const ins = db.prepare(
    `INSERT INTO reads (plate, confidence, char_conf, alternatives, state, ts, lat, lon, source_id, color)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (batch) => {
    for (const r of batch) {
      let sid = sources.get(r.source!);
      if (sid === undefined) sources.set(r.source!, (sid = sourceId(db, systemClock, r.source!, 'mobile')));
      ins.run(
        r.plate,
        r.confidence,
        JSON.stringify(r.charConfidences),
        r.alternatives ? JSON.stringify(r.alternatives) : null,
        r.state,
        r.ts,
        r.lat,
        r.lon,
        sid,
        r.color,
      );
    }
  };
}

/** Yields batches of synthetic reads: week 0, 1, 2 … of the real week, `batch` at a time. */
export function* weeks(rows: WeekRow[], target: number, batch: number, firstWeek = 0): Generator<NewRead[]> {
  const counts = hashCounts(rows);
  let made = 0;
  let out: NewRead[] = [];
  for (let w = firstWeek; made < target; w++) {
    for (let i = 0; i < rows.length && made < target; i++, made++) {
      out.push(synthRead(rows[i]!, w, i, counts, DEFAULT_SYNTH));
      if (out.length === batch) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

/**
 * Opens the cached store, or builds it. The build takes the bulk path a restore would: reads
 * first, then the same indexes created by sorting, and the canvass plate index written in key
 * order. The same schema results; ingest speed through insertReads is measured separately.
 */
export function openBenchStore(
  dir: string,
  weekPath: string,
  target: number,
  log: (s: string) => void,
): { store: Store; info: BuildInfo } {
  if (existsSync(join(dir, 'canvass.sqlite'))) {
    const store = openStore(dir);
    const meta = (k: string) =>
      (store.db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)
        ?.value;
    if (meta('bench.recipe') === `${RECIPE}:${target}`) {
      const reads = (store.db.prepare('SELECT max(id) AS n FROM reads').get() as { n: number }).n;
      return {
        store,
        info: {
          reads,
          builtNow: false,
          buildSeconds: Number(meta('bench.build_seconds')),
          fileBytes: fileBytes(store),
        },
      };
    }
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const store = openStore(dir);
  const { db } = store;
  db.pragma('cache_size = -4000000'); // build-time only
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('threads = 2'); // sorter helper threads for CREATE INDEX and ORDER BY
  const t0 = performance.now();
  const lap = (what: string) => log(`  ${what}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const indexSql = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reads' AND sql IS NOT NULL",
    )
    .all() as {
    name: string;
    sql: string;
  }[];
  for (const ix of indexSql) db.exec(`DROP INDEX ${ix.name}`); // names from sqlite_master, not input
  const rows = loadSeattleWeek(weekPath);
  const write = benchRowWriter(db);
  let n = 0;
  const tx = db.transaction((batch: NewRead[]) => write(batch));
  for (const batch of weeks(rows, target, 100_000)) {
    tx(batch);
    n += batch.length;
    if (n % 2_000_000 === 0) lap(`${n / 1e6}M reads written`);
  }
  for (const ix of indexSql) db.exec(ix.sql);
  lap('read indexes created');
  db.transaction(() => {
    writePlacesAfter(db, 0);
    writeSourceRowsAfter(db, 0);
  })();
  lap('read places and sources written');
  bulkPlateIndex(db);
  lap('canvass plate index built');
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.recipe', ?)").run(
    `${RECIPE}:${target}`,
  );
  db.exec('ANALYZE');
  const buildSeconds = (performance.now() - t0) / 1000;
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.build_seconds', ?)").run(
    String(buildSeconds),
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return { store, info: { reads: n, builtNow: true, buildSeconds, fileBytes: fileBytes(store) } };
}

/**
 * Fills canvass_codes and canvass_postings from the reads: each era's distinct texts as codes in
 * ascending order (appends to the WITHOUT ROWID primary keys, no other index to build), postings
 * by the insert hook's own writer (fillPlateIndexFromReads). The test "bench builder writes the
 * same index as insertReads" checks it.
 */
export function bulkPlateIndex(db: Store['db']): void {
  db.transaction(() => fillPlateIndexFromReads(db))();
}
