// reads_places and reads_by_source (migrations 14 and 16, issue 4): the rows insertReads writes
// answer every area, source and window exactly as a scan of the reads' own cell, source and time
// would (property, on real in-memory stores, batches committed and rolled back, times on both
// sides of 1970 and across buckets); the migrations' builders write the same rows as the insert
// hook; a store whose reads span centuries (a bad camera clock) is answered without walking
// every bucket in between.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock';
import { cellOf, cellsCovering } from '../../../electron/core/canvass/geo';
import {
  BUCKET_MS,
  bucketOf,
  readIdsInCells,
  readIdsInCellsUpTo,
  readIdsOfSources,
  readIdsOfSourcesUpTo,
  readsPerSource,
  writePlacesAfter,
  writeSourceRowsAfter,
} from '../../../electron/core/reads/places';
import { insertReads, type NewRead } from '../../../electron/core/reads/store';
import { openMemoryStore, type Store } from '../../../electron/core/store/db';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SCENE = { lat: 47.6062, lon: -122.3321 };

/** Every (cell, ts, id) the rows hold (or (source, ts, id)), sorted; checks each row's n, first id and bucket. */
function placeTriples(s: Store, table: 'reads_places' | 'reads_by_source' = 'reads_places'): string[] {
  const out: string[] = [];
  const key = table === 'reads_places' ? 'cell' : 'source_id';
  const rows = s.db.prepare(`SELECT bucket, ${key}, first_id, n, data FROM ${table}`).raw().all() as [
    number,
    number,
    number,
    number,
    Uint8Array,
  ][];
  for (const [bucket, cell, first, n, data] of rows) {
    expect(data.byteLength).toBe(n * 8);
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    expect(v.getUint32(4, true)).toBe(first);
    for (let o = 0; o < data.byteLength; o += 8) {
      const ts = bucket * BUCKET_MS + v.getUint32(o, true);
      expect(bucketOf(ts)).toBe(bucket);
      out.push(`${cell} ${ts} ${v.getUint32(o + 4, true)}`);
    }
  }
  return out.sort();
}

/** The same from the reads table itself (its generated cell column, or its source). */
function readTriples(s: Store, key: 'cell' | 'source_id' = 'cell'): string[] {
  return (
    s.db.prepare(`SELECT ${key}, ts, id FROM reads WHERE ${key} IS NOT NULL`).raw().all() as [
      number,
      number,
      number,
    ][]
  )
    .map((r) => r.join(' '))
    .sort();
}

const arbRead = fc.record({
  // a few hundred metres around the scene, so boxes catch some and miss some
  dLat: fc.integer({ min: -40, max: 40 }),
  dLon: fc.integer({ min: -40, max: 40 }),
  // up to ~4 buckets either side of T0, and now and then before 1970
  dt: fc.integer({ min: -4 * BUCKET_MS, max: 4 * BUCKET_MS }),
  old: fc.boolean(),
  noPosition: fc.boolean(),
  source: fc.constantFrom('CAR-1', 'CAR-2', 'CAM-9', null),
});

describe('reads_places', () => {
  it('answers every box and window as the reads themselves would (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(arbRead, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.array(
          fc.record({
            south: fc.integer({ min: -45, max: 40 }),
            west: fc.integer({ min: -45, max: 40 }),
            h: fc.integer({ min: 0, max: 50 }),
            w: fc.integer({ min: 0, max: 50 }),
            from: fc.integer({ min: -5 * BUCKET_MS, max: 5 * BUCKET_MS }),
            span: fc.integer({ min: 1, max: 3 * BUCKET_MS }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (batches, rollback, boxes) => {
          const s = openMemoryStore();
          try {
            batches.forEach((batch, k) => {
              const reads: NewRead[] = batch.map((r) => ({
                plate: 'ABC123',
                ts: (r.old ? Date.parse('1969-12-20T00:00:00Z') : T0) + r.dt,
                lat: r.noPosition ? null : SCENE.lat + r.dLat * 0.0003,
                lon: r.noPosition ? null : SCENE.lon + r.dLon * 0.0003,
                source: r.source,
              }));
              const tx = s.db.transaction(() => {
                insertReads(s.db, systemClock, reads, null);
                if (rollback[k]) throw new Error('import failed part-way');
              });
              if (rollback[k]) expect(() => tx()).toThrow('import failed part-way');
              else tx();
            });
            // a rolled-back batch leaves no rows; every read with a position has its place once,
            // every read with a source its source row once, and the counts per source add up
            expect(placeTriples(s)).toEqual(readTriples(s));
            expect(placeTriples(s, 'reads_by_source')).toEqual(readTriples(s, 'source_id'));
            const counts = s.db
              .prepare('SELECT source_id, count(*) FROM reads WHERE source_id IS NOT NULL GROUP BY source_id')
              .raw()
              .all();
            expect([...readsPerSource(s.db)].sort()).toEqual(counts.sort());
            const sourceIds = s.db.prepare('SELECT id FROM sources').pluck().all() as number[];
            const ofSources = s.db
              .prepare(
                'SELECT id FROM reads WHERE source_id IN (SELECT value FROM json_each(?)) AND ts >= ? AND ts < ?',
              )
              .pluck();
            const byScan = s.db
              .prepare(
                'SELECT id FROM reads WHERE cell IN (SELECT value FROM json_each(?)) AND ts >= ? AND ts < ?',
              )
              .pluck();
            for (const b of boxes) {
              const box = {
                south: SCENE.lat + b.south * 0.0003,
                north: SCENE.lat + (b.south + b.h) * 0.0003,
                west: SCENE.lon + b.west * 0.0003,
                east: SCENE.lon + (b.west + b.w) * 0.0003,
              };
              const cells = cellsCovering(box, 4096)!;
              for (const [from, to] of [
                [T0 + b.from, T0 + b.from + b.span],
                [-Infinity, Infinity],
                [-Infinity, T0 + b.from],
              ] as const) {
                const byRows = (ids: number[]) => [...ids].sort((x, y) => x - y);
                const byStmt = (stmt: typeof byScan, keys: number[]) =>
                  byRows(
                    stmt.all(
                      JSON.stringify(keys),
                      Math.max(from, -8.64e15),
                      Math.min(to, 8.64e15),
                    ) as number[],
                  );
                expect(byRows(readIdsInCells(s.db, cells, from, to))).toEqual(byStmt(byScan, cells));
                const some = sourceIds.filter((_, i) => (i + b.h) % 2 === 0);
                expect(byRows(readIdsOfSources(s.db, some, from, to))).toEqual(byStmt(ofSources, some));
              }
            }
          } finally {
            s.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the migration builders write the same rows as the insert hook, and split a busy cell into rows', () => {
    const s = openMemoryStore();
    try {
      // 1,300 reads in one cell and bucket: more than one row holds (ROW_MAX 512)
      const reads: NewRead[] = Array.from({ length: 1300 }, (_, i) => ({
        plate: `AB${i}`,
        ts: T0 + i * 1000,
        lat: SCENE.lat,
        lon: SCENE.lon,
      }));
      reads.push({ plate: 'FAR1', ts: T0, lat: SCENE.lat + 1, lon: SCENE.lon + 1 });
      s.db.transaction(() => insertReads(s.db, systemClock, reads, null))();
      const rows = s.db
        .prepare('SELECT cell, n FROM reads_places WHERE cell = ? ORDER BY first_id')
        .raw()
        .all(cellOf(SCENE.lat, SCENE.lon)) as [number, number][];
      expect(rows.map((r) => r[1])).toEqual([512, 512, 276]);
      const fromHook = placeTriples(s);
      expect(fromHook).toEqual(readTriples(s));
      s.db.exec('DELETE FROM reads_places');
      s.db.transaction(() => writePlacesAfter(s.db, 0))();
      expect(placeTriples(s)).toEqual(fromHook);
      // a caller that only wants a short list gets null once there are more (it filters another way)
      const here = [cellOf(SCENE.lat, SCENE.lon)];
      expect(readIdsInCellsUpTo(s.db, here, -Infinity, Infinity, 100)).toBeNull();
      expect(readIdsInCellsUpTo(s.db, here, T0, T0 + 50_000, 100)!.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect(readIdsOfSourcesUpTo(s.db, [1], -Infinity, Infinity, 100)).toEqual([]);
      // and only after a given id
      s.db.exec('DELETE FROM reads_places');
      writePlacesAfter(s.db, 1300);
      expect(placeTriples(s)).toEqual([`${cellOf(SCENE.lat + 1, SCENE.lon + 1)} ${T0} 1301`]);
      // reads_by_source likewise (these reads have no source: nothing; then one source for all)
      expect(placeTriples(s, 'reads_by_source')).toEqual([]);
      s.db.exec(
        "INSERT INTO sources (name, kind, created_at) VALUES ('CAM-1', 'fixed', 0); UPDATE reads SET source_id = 1",
      );
      s.db.transaction(() => writeSourceRowsAfter(s.db, 0))();
      expect(placeTriples(s, 'reads_by_source')).toEqual(readTriples(s, 'source_id'));
      expect(readsPerSource(s.db)).toEqual(new Map([[1, 1301]]));
    } finally {
      s.close();
    }
  });

  it('answers a store whose reads span centuries (a bad clock) without listing every bucket between', () => {
    const s = openMemoryStore();
    try {
      const at = (ts: number): NewRead => ({ plate: 'CLK123', ts, lat: SCENE.lat, lon: SCENE.lon });
      const ancient = Date.parse('1601-01-01T00:00:00Z');
      const future = Date.parse('2290-06-01T00:00:00Z');
      s.db.transaction(() => insertReads(s.db, systemClock, [at(ancient), at(T0), at(future)], null))();
      const cells = [cellOf(SCENE.lat, SCENE.lon)];
      expect(bucketOf(future) - bucketOf(ancient)).toBeGreaterThan(20_000);
      expect(readIdsInCells(s.db, cells, -Infinity, Infinity).sort()).toEqual([1, 2, 3]);
      expect(readIdsInCells(s.db, cells, T0, future)).toEqual([2]);
      // past the packed key's range (|bucket| ≥ 2^16, beyond the years ~860-3080): still exact
      const y9999 = Date.parse('9999-12-31T23:59:59Z');
      const edge = 8.64e15 - 1; // the last millisecond a Date can hold
      s.db.transaction(() =>
        insertReads(s.db, systemClock, [at(y9999), at(-edge), { ...at(y9999), lat: SCENE.lat + 1 }], null),
      )();
      expect(placeTriples(s)).toEqual(readTriples(s));
      expect(readIdsInCells(s.db, cells, -Infinity, Infinity).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(readIdsInCells(s.db, cells, y9999, y9999 + 1)).toEqual([4]);
      expect(readIdsInCells(s.db, [cellOf(SCENE.lat + 1, SCENE.lon)], -Infinity, Infinity)).toEqual([6]);
      expect(readIdsInCells(s.db, cells, T0 + 1, T0 + 2)).toEqual([]);
      expect(readIdsInCells(s.db, [], -Infinity, Infinity)).toEqual([]);
    } finally {
      s.close();
    }
  });
});
