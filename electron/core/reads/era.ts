// Eras: the reads' time cut into 2^32 ms (≈ 49.7 day) slices, the leading column of every
// index keyed by plate (reads_plate, canvass_texts, canvass_grams; migration 12). A batch of
// new reads lands in one or two eras, so each of those indexes takes it in a small, hot part of
// its B-tree instead of on a random page of one that spans all time (docs/canvass.md "Ingest");
// a lookup by plate pays one seek per era that holds reads, ~15 over two years.
import type { Database, Statement } from 'better-sqlite3';

/** Milliseconds per era. Fixed by migration 12 (ERA_SQL); changing it needs a migration. */
export const ERA_MS = 4_294_967_296;

/** The era of a time: the same integer division as the generated column (truncation). */
export const eraOf = (ts: number) => Math.trunc(ts / ERA_MS);

/** The first/last read statement of each open database (two reads_ts seeks). */
const bounds = new WeakMap<Database, Statement>();

/** The eras that can hold reads in [from, to): those between the store's first and last read. */
export function erasIn(db: Database, from: number, to: number): number[] {
  let q = bounds.get(db);
  if (!q) bounds.set(db, (q = db.prepare('SELECT (SELECT min(ts) FROM reads) AS lo, (SELECT max(ts) FROM reads) AS hi')));
  const b = q.get() as { lo: number | null; hi: number | null };
  if (b.lo === null || b.hi === null || from > b.hi || to <= b.lo) return [];
  const out: number[] = [];
  for (let e = eraOf(Math.max(from, b.lo)), last = eraOf(Math.min(to - 1, b.hi)); e <= last; e++) out.push(e);
  return out;
}

/** All eras holding reads, as JSON for `era IN (SELECT value FROM json_each(?))`. */
export const allEras = (db: Database) => JSON.stringify(erasIn(db, -Infinity, Infinity));
