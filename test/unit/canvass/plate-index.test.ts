// The plate index's posting rows (migration 13) on real in-memory stores: what the insert hook
// writes equals the pairs of every text, lists longer than a row are split, a version-12 store
// gets the same lists from its grams, and (property) the candidates of any pattern, exact or
// misread-tolerant, include every stored plate that matches it.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock';
import { compileMatcher } from '../../../electron/core/canvass/match';
import { parsePattern, PLATE_ALPHABET } from '../../../electron/core/canvass/pattern';
import { candidatePlates, decodeIds, encodeIds, gramsOf } from '../../../electron/core/canvass/plate-index';
import { ERA_MS } from '../../../electron/core/reads/era';
import { insertReads, type NewRead } from '../../../electron/core/reads/store';
import { openMemoryStore } from '../../../electron/core/store/db';
import { latestVersion, migrate, migrations } from '../../../electron/core/store/migrations';

const T0 = Date.parse('2026-03-01T12:00:00Z');
type DB = Database.Database;

const readOf = (plate: string, ts: number): NewRead => ({
  plate,
  ts,
  lat: 47.6,
  lon: -122.3,
  source: 'CAR-1',
});

/** Every (key, text) the postings hold, sorted; checks each row's n against its ids. */
function postingPairs(db: DB): string[] {
  const text = db.prepare('SELECT text FROM canvass_texts WHERE id = ?').pluck();
  const out: string[] = [];
  const rows = db.prepare('SELECT key, first_id, n, ids FROM canvass_postings').raw().all() as [
    number,
    number,
    number,
    Uint8Array,
  ][];
  for (const [key, first, n, ids] of rows) {
    const list = decodeIds(ids);
    expect(list.length).toBe(n);
    expect(list[0]).toBe(first);
    expect([...list].sort((a, b) => a - b)).toEqual(list);
    for (const id of list) out.push(`${key} ${text.get(id) as string}`);
  }
  return out.sort();
}

/** What the postings must hold: each indexable text's gramsOf keys. */
function expectedPairs(db: DB): string[] {
  const texts = db.prepare('SELECT text FROM canvass_texts').pluck().all() as string[];
  return texts.flatMap((t) => gramsOf(t).map((k) => `${k} ${t}`)).sort();
}

describe('canvass postings', () => {
  it('encode and decode text ids', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 })), (ids) => {
        expect(decodeIds(encodeIds(ids))).toEqual(ids);
      }),
    );
  });

  it('hold every pair of every text written through insertReads, split into rows of at most 1024 ids', () => {
    const { db } = openMemoryStore();
    // 1,500 texts sharing the pair 0:7A (one list of 1,500 ids: two rows), in two batches and two eras
    const plates = Array.from({ length: 1500 }, (_, i) => `7A${String(i).padStart(5, '0')}`);
    db.transaction(() =>
      insertReads(
        db,
        systemClock,
        plates.slice(0, 700).map((p) => readOf(p, T0)),
        null,
      ),
    )();
    db.transaction(() =>
      insertReads(
        db,
        systemClock,
        [...plates.slice(700).map((p) => readOf(p, T0)), readOf('7A00001', T0 + ERA_MS), readOf('ab', T0)],
        null,
      ),
    )();
    expect(postingPairs(db)).toEqual(expectedPairs(db));
    const rowsOf7A = db
      .prepare('SELECT era, n FROM canvass_postings WHERE key = ? ORDER BY era, first_id')
      .raw()
      .all(gramsOf('7A')[0]!);
    expect(rowsOf7A).toEqual([
      [Math.trunc(T0 / ERA_MS), 700],
      [Math.trunc(T0 / ERA_MS), 800],
      [Math.trunc((T0 + ERA_MS) / ERA_MS), 1],
    ]);
    const big = plates.map((p) => readOf(p.replace('7A', '7B'), T0));
    db.transaction(() => insertReads(db, systemClock, big, null))();
    expect(
      db
        .prepare('SELECT n FROM canvass_postings WHERE key = ? ORDER BY first_id')
        .pluck()
        .all(gramsOf('7B')[0]!),
    ).toEqual([1024, 476]);
    expect(postingPairs(db)).toEqual(expectedPairs(db));
    expect(candidatePlates(db, parsePattern('?B0014?'), false).texts.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `7B0014${i}`),
    );
  });

  it("migration 13 turns a version-12 store's grams into the same postings", () => {
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version <= 11),
    );
    const ins = db.prepare('INSERT INTO reads (plate, ts) VALUES (?, ?)');
    for (const [p, ts] of [
      ['OLD1234', T0],
      ['OLD1234', T0 + ERA_MS],
      ['ZZ9', T0],
      ['deadbeef00', T0],
    ] as const)
      ins.run(p, ts);
    migrate(
      db,
      migrations.filter((m) => m.version <= 12),
    ); // 12 builds texts and grams from the reads
    const grams = (
      db
        .prepare('SELECT g.key, t.text FROM canvass_grams g JOIN canvass_texts t ON t.id = g.text_id')
        .raw()
        .all() as [number, string][]
    )
      .map(([k, t]) => `${k} ${t}`)
      .sort();
    expect(grams.length).toBe(6 + 6 + 2);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'canvass_grams'").pluck().get()).toBe(
      0,
    );
    expect(postingPairs(db)).toEqual(grams);
    expect(candidatePlates(db, parsePattern('*D12*'), false).texts).toEqual(['OLD1234']);
    db.close();
  });
});

describe('candidates', () => {
  // Plates that share pieces, so patterns built from one plate also hit others.
  const plate = fc.string({ unit: fc.constantFrom(...'7AB80OQ1IT2Z5S'), minLength: 2, maxLength: 8 });
  const pieceOf = (c: string) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(c) },
      { weight: 1, arbitrary: fc.constant('?') },
      { weight: 1, arbitrary: fc.constant('*') },
      { weight: 1, arbitrary: fc.constant(`*${c}`) },
      { weight: 1, arbitrary: fc.constantFrom(...PLATE_ALPHABET).map((x) => `[${c}${x}]`) },
    );
  const patternOf = (p: string) => fc.tuple(...[...p].map(pieceOf)).map((xs) => xs.join(''));

  it('anchor on known characters with no known neighbour instead of scanning every text', () => {
    const { db } = openMemoryStore();
    const plates = ['ABCDEFG', 'AXCYEZG', 'A1C2E3G', 'QBCDEFG', 'ABCDEF', '7ABC123', 'XAYC1ZZ', 'XAYC1Z', 'B5'];
    db.transaction(() => insertReads(db, systemClock, plates.map((p) => readOf(p, T0)), null))();
    const exact = candidatePlates(db, parsePattern('A?C?E?G'), false);
    expect(exact.scanned).toBe(false);
    expect(exact.texts).toEqual(expect.arrayContaining(['ABCDEFG', 'AXCYEZG', 'A1C2E3G']));
    expect(exact.texts.length).toBeLessThan(plates.length); // a superset the caller checks, not everything
    const last = candidatePlates(db, parsePattern('?5'), false); // the known character is the last one
    expect(last.scanned).toBe(false);
    expect(last.texts).toEqual(['B5']);
    const tolerant = candidatePlates(db, parsePattern('?A?C1??'), true);
    expect(tolerant.scanned).toBe(false);
    const m = compileMatcher(parsePattern('?A?C1??'), true);
    for (const t of plates) if (m.text(t)) expect(tolerant.texts).toContain(t);
    expect(tolerant.texts).toContain('XAYC1ZZ');
    expect(candidatePlates(db, parsePattern('7*'), true).scanned).toBe(true); // `*` once its 7 is missed
    db.close();
  });

  it('include every stored plate the pattern matches (exact and tolerant)', () => {
    fc.assert(
      fc.property(
        fc.array(plate, { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (plates, pick, tolerant, twoEras) => {
          const { db } = openMemoryStore();
          const reads = plates.map((p, i) => readOf(p, T0 + (twoEras && i % 2 ? ERA_MS : 0)));
          db.transaction(() => insertReads(db, systemClock, reads, null))();
          const base = plates[pick % plates.length]!;
          fc.assert(
            fc.property(patternOf(base), (source) => {
              if (source.replace(/\*/g, '').length === 0) return;
              const p = parsePattern(source);
              const m = compileMatcher(p, tolerant);
              const got = new Set(candidatePlates(db, p, tolerant).texts);
              for (const t of new Set(plates))
                if (m.text(t)) expect(got.has(t), `${source} → ${t}`).toBe(true);
            }),
            { numRuns: 10 },
          );
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
