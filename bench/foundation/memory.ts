// Benchmark: memory of the app with 1 million reads in the store — the Seattle week repeated
// over shifted weeks (plates kept as their hashes). Builds the store once (cached in
// bench/.cache), then measures a fresh process that opens it and runs the reads page queries.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../electron/core/clock';
import { importReadsCsv } from '../../electron/core/reads/import';
import { insertReads, type NewRead } from '../../electron/core/reads/store';
import { SEATTLE_MAPPING } from '../../electron/core/reads/mappings';
import { openStore } from '../../electron/core/store/db';
import { SEATTLE_WEEK } from '../../test/support/shared-data';

const CACHE = join(import.meta.dirname, '..', '.cache', 'store-1m');
const WEEK = 7 * 24 * 3600_000;

export function build1M(target = 1_000_000): { dir: string; built: boolean; seconds: number } {
  if (existsSync(join(CACHE, 'canvass.sqlite'))) return { dir: CACHE, built: false, seconds: 0 };
  mkdirSync(CACHE, { recursive: true });
  const t = performance.now();
  const store = openStore(CACHE);
  const clock = new ManualClock(Date.now());
  importReadsCsv(store.db, clock, readFileSync(SEATTLE_WEEK()), { fileName: 'spd.csv.gz', mapping: SEATTLE_MAPPING, format: 'seattle', userId: null });
  const base = store.db
    .prepare('SELECT r.plate, r.ts, r.lat, r.lon, s.name AS source FROM reads r LEFT JOIN sources s ON s.id = r.source_id')
    .all() as { plate: string; ts: number; lat: number | null; lon: number | null; source: string | null }[];
  let n = base.length;
  for (let week = 1; n < target; week++) {
    const batch: NewRead[] = [];
    for (const r of base) {
      if (n + batch.length >= target) break;
      batch.push({ plate: r.plate, plateHashed: true, ts: r.ts - week * WEEK, lat: r.lat, lon: r.lon, source: r.source, sourceKind: 'mobile' });
    }
    store.db.transaction(() => insertReads(store.db, clock, batch, null))();
    n += batch.length;
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { dir: CACHE, built: true, seconds: (performance.now() - t) / 1000 };
}

/** Runs in a child process so the numbers are the app's, not the builder's. */
export function measure1M() {
  const b = build1M();
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'memory-probe.ts'), b.dir], { encoding: 'utf8' });
  const probe = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  return {
    reads: probe.reads,
    store_mb: Math.round(statSync(join(b.dir, 'canvass.sqlite')).size / 1e6),
    build_seconds: b.built ? +b.seconds.toFixed(1) : 'cached',
    ...probe,
  };
}
