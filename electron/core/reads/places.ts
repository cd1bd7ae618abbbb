// Where and by what reads were taken, for area and source queries (R11 canvasses, the Reads
// page's map box and source filter): reads_places (migration 14) and reads_by_source (migration
// 16) instead of per-read (cell, ts) and (source_id, ts) indexes.
//
// Why (issue 4, docs/canvass.md "Ingest"): an index entry per read at the end of its grid cell's
// or source's run cost a B-tree insert per read, and a week's batch of 100,000 reads touched a
// page per busy cell (~5,000). Here a batch writes one row per (time bucket, cell) and per (time
// bucket, source) it touched, holding those reads' times and ids (8 bytes each), in key order:
// a new bucket is appended, an open one takes a row per key. An area or a source over a window
// is one seek per (bucket, key): a 1 km circle over 7 days is ~2 × 150 seeks.
import type { Database, Statement } from 'better-sqlite3';
import { cellOf } from '../canvass/geo';

/** Milliseconds per time bucket (≈ 6.2 days); fixed by migration 14, changing it needs a new one. */
export const BUCKET_MS = 2 ** 29;
export const bucketOf = (ts: number) => Math.floor(ts / BUCKET_MS);

/** Reads per row at most, so a row stays within a page or two. */
const ROW_MAX = 512;
/** Rows per multi-row INSERT. */
const CHUNK = 64;
/** Read ids are stored as 4 bytes. */
const ID_LIMIT = 2 ** 32;

/** The two bucketed tables and the key each groups reads by (a closed list: names go into SQL). */
const TABLES = {
  places: { table: 'reads_places', key: 'cell' },
  sources: { table: 'reads_by_source', key: 'source_id' },
} as const;
type Kind = keyof typeof TABLES;

export interface BucketRowsWriter {
  /** A read with this id and time was just inserted under `key` (a cell or a source id; null: not indexed). */
  add(id: number, ts: number, key: number | null): void;
  /** Writes what was added; call inside the same transaction as the reads. */
  flush(): void;
}

/** Prepared full-chunk statements per connection and table: a batch runs them many times. */
const prepared = new WeakMap<Database, Map<Kind, Statement>>();

function rowsWriter(db: Database, kind: Kind): BucketRowsWriter {
  const { table, key: col } = TABLES[kind];
  const valuesSql = (rows: number) =>
    `INSERT INTO ${table} (bucket, ${col}, first_id, n, data) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}`;
  // (bucket, key) → positions in ids/offs. bucket·2^36 + key is exact while keys < 2^36 (cells,
  // source ids) and |bucket| < 2^16 (years ~860-3080); a read outside that (a broken clock) is
  // grouped under a string key instead.
  const groups = new Map<number, number[]>();
  const far = new Map<string, number[]>();
  let ids: number[] = [];
  let offs: number[] = [];
  const rowsOf = (params: unknown[], bucket: number, key: number, g: number[]) => {
    for (let a = 0; a < g.length; a += ROW_MAX) {
      const b = Math.min(g.length, a + ROW_MAX);
      const data = Buffer.allocUnsafe((b - a) * 8);
      for (let i = a; i < b; i++) {
        data.writeUInt32LE(offs[g[i]!]!, (i - a) * 8);
        data.writeUInt32LE(ids[g[i]!]!, (i - a) * 8 + 4);
      }
      params.push(bucket, key, ids[g[a]!], b - a, data);
    }
  };
  return {
    add(id, ts, key) {
      if (key === null) return;
      if (!(id > 0 && id < ID_LIMIT)) throw new Error(`read id ${id} is beyond the ${table} format`);
      const bucket = bucketOf(ts);
      let g: number[] | undefined;
      if (Math.abs(bucket) < 2 ** 16) {
        const k = bucket * 2 ** 36 + key;
        g = groups.get(k);
        if (!g) groups.set(k, (g = []));
      } else {
        const k = `${bucket}:${key}`;
        g = far.get(k);
        if (!g) far.set(k, (g = []));
      }
      g.push(ids.length);
      ids.push(id);
      offs.push(ts - bucket * BUCKET_MS);
    },
    flush() {
      if (groups.size === 0 && far.size === 0) return;
      const keys = Float64Array.from(groups.keys()).sort();
      const params: unknown[] = [];
      for (const k of keys) {
        const bucket = Math.floor(k / 2 ** 36);
        rowsOf(params, bucket, k - bucket * 2 ** 36, groups.get(k)!);
      }
      for (const [k, g] of far) {
        const [bucket, key] = k.split(':').map(Number) as [number, number];
        rowsOf(params, bucket, key, g);
      }
      const step = CHUNK * 5;
      let mine = prepared.get(db);
      if (!mine) prepared.set(db, (mine = new Map()));
      let full = mine.get(kind);
      if (!full && params.length >= step) mine.set(kind, (full = db.prepare(valuesSql(CHUNK))));
      for (let at = 0; at < params.length; at += step) {
        const args = params.slice(at, at + step);
        (args.length === step ? full! : db.prepare(valuesSql(args.length / 5))).run(args);
      }
      groups.clear();
      far.clear();
      ids = [];
      offs = [];
    },
  };
}

export interface PlacesWriter {
  /** A read with this id, time and position was just inserted (no position: nothing to index). */
  add(id: number, ts: number, lat: number | null | undefined, lon: number | null | undefined): void;
  flush(): void;
}

/** reads_places rows of the reads added, by (bucket, grid cell). */
export function placesWriter(db: Database): PlacesWriter {
  const w = rowsWriter(db, 'places');
  return {
    add: (id, ts, lat, lon) =>
      w.add(
        id,
        ts,
        lat === null || lat === undefined || lon === null || lon === undefined ? null : cellOf(lat, lon),
      ),
    flush: () => w.flush(),
  };
}

/** reads_by_source rows of the reads added, by (bucket, source id). */
export const sourceRowsWriter = (db: Database): BucketRowsWriter => rowsWriter(db, 'sources');

/** Fills reads_places for every read with id > `after` (migration 14, the bench builder), a million at a time. */
export function writePlacesAfter(db: Database, after: number): void {
  const sql =
    'SELECT id, ts, lat, lon FROM reads WHERE id > ? AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY id LIMIT 1000000';
  fillAfter(db, sql, after, () => {
    const w = placesWriter(db);
    return { add: (r) => w.add(r[0]!, r[1]!, r[2], r[3]), flush: () => w.flush() };
  });
}

/** Fills reads_by_source for every read with id > `after` (migration 16, the bench builder), likewise. */
export function writeSourceRowsAfter(db: Database, after: number): void {
  const sql =
    'SELECT id, ts, source_id FROM reads WHERE id > ? AND source_id IS NOT NULL ORDER BY id LIMIT 1000000';
  fillAfter(db, sql, after, () => {
    const w = sourceRowsWriter(db);
    return { add: (r) => w.add(r[0]!, r[1]!, r[2]!), flush: () => w.flush() };
  });
}

/** Runs `sql` (id > ? … ORDER BY id LIMIT n) page by page, each page through a fresh writer. */
function fillAfter(
  db: Database,
  sql: string,
  after: number,
  writer: () => { add(r: number[]): void; flush(): void },
): void {
  const page = db.prepare(sql).raw();
  for (let from = after; ;) {
    const rows = page.all(from) as number[][];
    if (rows.length === 0) return;
    const w = writer();
    for (const r of rows) w.add(r);
    w.flush();
    from = rows[rows.length - 1]![0]!;
  }
}

/** Past this many buckets between the window's ends (~25 years) only buckets that hold rows are listed. */
const DENSE_BUCKETS = 1500;

/** Per open database: the first and last read time (reads_ts), to bound an open window. */
const bounds = new WeakMap<Database, Statement>();

/** Ids of the reads in the given grid cells (geo.ts cellsCovering) taken in [from, to), in no particular order. */
export const readIdsInCells = (db: Database, cells: number[], from: number, to: number): number[] =>
  readIdsIn(db, 'places', cells, from, to, Infinity)!;

/** Ids of the reads of the given sources taken in [from, to), in no particular order. */
export const readIdsOfSources = (db: Database, sources: number[], from: number, to: number): number[] =>
  readIdsIn(db, 'sources', sources, from, to, Infinity)!;

/** The same, or null as soon as there are more than `limit` (the caller then filters another way). */
export const readIdsInCellsUpTo = (db: Database, cells: number[], from: number, to: number, limit: number) =>
  readIdsIn(db, 'places', cells, from, to, limit);
export const readIdsOfSourcesUpTo = (
  db: Database,
  sources: number[],
  from: number,
  to: number,
  limit: number,
) => readIdsIn(db, 'sources', sources, from, to, limit);

/** How many reads each source has (from the rows' counts; no read is visited). */
export function readsPerSource(db: Database): Map<number, number> {
  const rows = db.prepare('SELECT source_id, sum(n) FROM reads_by_source GROUP BY source_id').raw().all() as [
    number,
    number,
  ][];
  return new Map(rows);
}

/** Open ends (±Infinity) are bounded by the store's first and last read. */
function readIdsIn(
  db: Database,
  kind: Kind,
  keys: number[],
  from: number,
  to: number,
  limit: number,
): number[] | null {
  const { table, key: col } = TABLES[kind];
  if (keys.length === 0 || !(from < to)) return [];
  let q = bounds.get(db);
  if (!q)
    bounds.set(
      db,
      (q = db.prepare('SELECT (SELECT min(ts) FROM reads) AS lo, (SELECT max(ts) FROM reads) AS hi')),
    );
  const b = q.get() as { lo: number | null; hi: number | null };
  if (b.lo === null || b.hi === null) return [];
  const lo = Math.max(from, b.lo);
  const hi = Math.min(to - 1, b.hi);
  if (lo > hi) return [];
  const buckets: number[] = [];
  if (bucketOf(hi) - bucketOf(lo) < DENSE_BUCKETS) {
    for (let k = bucketOf(lo); k <= bucketOf(hi); k++) buckets.push(k);
  } else {
    // reads spread over centuries (a bad clock in an imported file): only the buckets that hold rows
    const next = db.prepare(`SELECT min(bucket) FROM ${table} WHERE bucket >= ?`).pluck();
    for (
      let k = next.get(bucketOf(lo)) as number | null;
      k !== null && k <= bucketOf(hi);
      k = next.get(k + 1) as number | null
    )
      buckets.push(k);
  }
  const rows = db
    .prepare(
      `SELECT bucket, data FROM ${table}
       WHERE bucket IN (SELECT value FROM json_each(?)) AND ${col} IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .iterate(JSON.stringify(buckets), JSON.stringify(keys)) as IterableIterator<[number, Uint8Array]>;
  const out: number[] = [];
  for (const [bucket, data] of rows) {
    if (out.length > limit) {
      rows.return?.();
      return null;
    }
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const start = bucket * BUCKET_MS;
    for (let o = 0; o + 8 <= data.byteLength; o += 8) {
      const ts = start + v.getUint32(o, true);
      if (ts >= from && ts < to) out.push(v.getUint32(o + 4, true));
    }
  }
  return out;
}
