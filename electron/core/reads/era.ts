// Eras: the reads' time cut into 2^32 ms (≈ 49.7 day) slices, the leading column of every
// index keyed by plate (reads_plate, canvass_codes, canvass_postings; migrations 12-15). A batch of
// new reads lands in one or two eras, so each of those indexes takes it in a small, hot part of
// its B-tree instead of on a random page of one that spans all time (docs/canvass.md "Ingest");
// a lookup by plate pays one seek per era that holds reads, ~15 over two years.
import type { Database, Statement } from 'better-sqlite3';

/** Milliseconds per era. Fixed by migration 12 (`ts / ERA_MS` there); changing it needs a migration. */
export const ERA_MS = 4_294_967_296;

/** The era of a time: the same integer division as the generated column (truncation). */
export const eraOf = (ts: number) => Math.trunc(ts / ERA_MS) || 0; // never -0

/** Per open database: the first/last read, and the first read at or after a time (reads_ts seeks). */
const statements = new WeakMap<Database, { bounds: Statement; next: Statement }>();

/** Past this many eras between the first and last read (~35 years) only eras that hold reads are listed. */
const DENSE_ERAS = 256;

/** Where era `e` ends: truncation makes era 0 span (-ERA_MS, ERA_MS) and a negative era end at e·ERA_MS. */
const nextEraStart = (e: number) => (e >= 0 ? (e + 1) * ERA_MS : e * ERA_MS + 1);

/**
 * The eras that can hold reads in [from, to): those between the store's first and last read.
 * A store whose reads span centuries (a bad clock in an imported file) gets only the eras that
 * hold reads, found by one seek each, instead of every era in between.
 */
export function erasIn(db: Database, from: number, to: number): number[] {
  let q = statements.get(db);
  if (!q) {
    q = {
      bounds: db.prepare('SELECT (SELECT min(ts) FROM reads) AS lo, (SELECT max(ts) FROM reads) AS hi'),
      next: db.prepare('SELECT min(ts) FROM reads WHERE ts >= ?').pluck(),
    };
    statements.set(db, q);
  }
  const b = q.bounds.get() as { lo: number | null; hi: number | null };
  if (b.lo === null || b.hi === null || from > b.hi || to <= b.lo) return [];
  const first = eraOf(Math.max(from, b.lo));
  const last = eraOf(Math.min(to - 1, b.hi));
  const out: number[] = [];
  if (last - first < DENSE_ERAS) {
    for (let e = first; e <= last; e++) out.push(e);
    return out;
  }
  for (let e: number | null = first; e !== null && e <= last; ) {
    out.push(e);
    const ts = q.next.get(nextEraStart(e)) as number | null;
    e = ts === null ? null : eraOf(ts);
  }
  return out;
}

/** All eras holding reads, as JSON for `era IN (SELECT value FROM json_each(?))`. */
export const allEras = (db: Database) => JSON.stringify(erasIn(db, -Infinity, Infinity));
