// The plate index on real in-memory stores: (property) text codes round-trip, keep the texts'
// order and make every prefix one range; the posting rows (migration 15: codes) the insert hook
// writes equal the pairs of every text, lists longer than a row are split, a version-12 store
// gets the same lists from its grams through migrations 13 and 15, end-anchored patterns get a
// selective source without the reversed texts, and (property) the candidates of any pattern,
// exact or misread-tolerant, include every stored plate that matches it.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock';
import { compileMatcher } from '../../../electron/core/canvass/match';
import { parsePattern, PLATE_ALPHABET } from '../../../electron/core/canvass/pattern';
import {
  candidatePlates,
  code,
  CODE_LIMIT,
  codeRange,
  decodeCodes,
  encodeCodes,
  gramsOf,
  sourcesFor,
  textOf,
  variants,
} from '../../../electron/core/canvass/plate-index';
import { ERA_MS } from '../../../electron/core/reads/era';
import { rng } from '../../../bench/canvass/synth';
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

/** The plates, each read once at T0, committed through insertReads. */
const readAtT0 = (db: DB, plates: string[]) =>
  db.transaction(() => insertReads(db, systemClock, plates.map((p) => readOf(p, T0)), null))();

/** Every (key, text) the postings hold, sorted; checks each row's n and first code against its codes. */
function postingPairs(db: DB): string[] {
  const out: string[] = [];
  const rows = db.prepare('SELECT era, key, first_code, n, codes FROM canvass_postings').raw().all() as [
    number,
    number,
    number,
    number,
    Uint8Array,
  ][];
  const stored = db.prepare('SELECT 1 FROM canvass_codes WHERE era = ? AND code = ?').pluck();
  for (const [era, key, first, n, codes] of rows) {
    const list = decodeCodes(codes);
    expect(list.length).toBe(n);
    expect(list[0]).toBe(first);
    expect([...list].sort((a, b) => a - b)).toEqual(list);
    for (const c of list) {
      expect(stored.get(era, c)).toBe(1);
      out.push(`${key} ${textOf(c)}`);
    }
  }
  return out.sort();
}

/** What the postings must hold: each indexable text's gramsOf keys, once per era it was read in. */
function expectedPairs(db: DB): string[] {
  const texts = (db.prepare('SELECT code FROM canvass_codes').pluck().all() as number[]).map(textOf);
  return texts.flatMap((t) => gramsOf(t).map((k) => `${k} ${t}`)).sort();
}

/** The same, from a migration-13 store: its postings hold 4-byte canvass_texts ids. */
function postingPairsV13(db: DB): string[] {
  const text = db.prepare('SELECT text FROM canvass_texts WHERE id = ?').pluck();
  const out: string[] = [];
  for (const [key, ids] of db.prepare('SELECT key, ids FROM canvass_postings').raw().all() as [
    number,
    Buffer,
  ][])
    for (let o = 0; o < ids.length; o += 4) out.push(`${key} ${text.get(ids.readUInt32LE(o)) as string}`);
  return out.sort();
}

const ALPHABET_RANK = new Map([...PLATE_ALPHABET].map((c, i) => [c, i]));
/** Texts compared under the alphabet's order (A…Z then 0…9), a prefix first. */
function compareTexts(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = ALPHABET_RANK.get(a[i]!)! - ALPHABET_RANK.get(b[i]!)!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

describe('plate codes', () => {
  const text = (minLength: number) =>
    fc.string({ unit: fc.constantFrom(...PLATE_ALPHABET), minLength, maxLength: 10 });

  it('decode what they encode, and every code below CODE_LIMIT that decodes encodes back', () => {
    fc.assert(
      fc.property(text(1), (t) => {
        const c = code(t);
        expect(Number.isSafeInteger(c)).toBe(true);
        expect(c).toBeGreaterThan(0);
        expect(c).toBeLessThan(CODE_LIMIT);
        expect(textOf(c)).toBe(t);
      }),
      { numRuns: 2000 },
    );
    for (const t of ['A', '9', 'AA', '9999999999', 'AAAAAAAAAA', '7ABC123']) expect(textOf(code(t))).toBe(t);
    expect(CODE_LIMIT).toBeLessThan(2 ** 53);
    expect(code('9999999999')).toBe(CODE_LIMIT - 1);
    for (const bad of ['', 'a', '7AB-1', 'ABCDEFGHIJK', 'Ä']) expect(() => code(bad)).toThrow(RangeError);
    // 1 and code('A') + 1 have a character after a 0 digit (past the end): no text's code
    for (const bad of [0, -1, 1.5, CODE_LIMIT, 1, code('A') + 1])
      expect(() => textOf(bad)).toThrow(RangeError);
  });

  it('order numerically as the texts under the alphabet order', () => {
    fc.assert(
      fc.property(text(1), text(1), (a, b) => {
        expect(Math.sign(code(a) - code(b))).toBe(Math.sign(compareTexts(a, b)));
      }),
      { numRuns: 2000 },
    );
    const sorted = ['A', 'AA', 'AB', 'A0', 'B', 'Z9', '0', '0A', '9', '99'];
    expect([...sorted].reverse().sort((x, y) => code(x) - code(y))).toEqual(sorted);
  });

  it('put exactly the texts starting with a prefix in its range', () => {
    fc.assert(
      fc.property(text(1), text(1), (prefix, t) => {
        const [lo, hi] = codeRange(prefix);
        expect(hi - lo).toBe(37 ** (10 - prefix.length));
        expect(code(t) >= lo && code(t) < hi).toBe(t.startsWith(prefix));
        // and a text that does start with it (prefix + the rest of t, cut to 10 characters)
        const inside = (prefix + t).slice(0, 10);
        expect(code(inside) >= lo && code(inside) < hi).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('canvass postings', () => {
  it('encode and decode codes (float64 little-endian)', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat().map((x) => x % CODE_LIMIT)), (codes) => {
        const b = encodeCodes(codes);
        expect(b.length).toBe(codes.length * 8);
        expect(decodeCodes(b)).toEqual(codes);
        expect(decodeCodes(encodeCodes(Float64Array.from(codes)))).toEqual(codes);
        if (codes.length) expect(b.readDoubleLE(0)).toBe(codes[0]);
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
      .prepare('SELECT era, n FROM canvass_postings WHERE key = ? ORDER BY era, first_code')
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
        .prepare('SELECT n FROM canvass_postings WHERE key = ? ORDER BY first_code')
        .pluck()
        .all(gramsOf('7B')[0]!),
    ).toEqual([1024, 476]);
    expect(postingPairs(db)).toEqual(expectedPairs(db));
    expect(candidatePlates(db, parsePattern('?B0014?'), false).texts.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `7B0014${i}`),
    );
  });

  it("migrations 13 and 15 turn a version-12 store's grams into the same postings, of ids then of codes", () => {
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
    migrate(
      db,
      migrations.filter((m) => m.version <= 13),
    );
    expect(postingPairsV13(db)).toEqual(grams);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'canvass_grams'").pluck().get()).toBe(
      0,
    );
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'canvass_texts%'").pluck().get(),
    ).toBe(0);
    expect(postingPairs(db)).toEqual(grams);
    expect(expectedPairs(db)).toEqual(grams);
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
    const plates = [
      'ABCDEFG',
      'AXCYEZG',
      'A1C2E3G',
      'QBCDEFG',
      'ABCDEF',
      '7ABC123',
      'XAYC1ZZ',
      'XAYC1Z',
      'B5',
    ];
    readAtT0(db, plates);
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

  it('stop a scan at its limit with the same first texts, in the same order, as a full scan and the filter', () => {
    const { db } = openMemoryStore();
    const r = rng(7);
    const plates = Array.from({ length: 2000 }, () =>
      Array.from({ length: 2 + Math.floor(r() * 7) }, () => PLATE_ALPHABET[Math.floor(r() * 36)]).join(''),
    );
    readAtT0(db, plates);
    for (const [source, tolerant] of [['7*', true], ['*', false], ['*Q*', false]] as const) {
      const p = parsePattern(source);
      const m = compileMatcher(p, tolerant);
      const accept = (t: string) => m.text(t) !== null;
      const full = candidatePlates(db, p, tolerant);
      expect(full.scanned, source).toBe(true);
      const passing = full.texts.filter(accept);
      for (const max of [1, 50, passing.length, passing.length + 10]) {
        const cut = candidatePlates(db, p, tolerant, undefined, { accept, max });
        expect(cut.texts, `${source} max ${max}`).toEqual(passing.slice(0, max));
        expect(cut.examined).toBeLessThanOrEqual(full.examined);
        if (max < passing.length) expect(cut.examined).toBeLessThan(full.examined);
      }
    }
    db.close();
  });

  it('answer end-anchored patterns from pair lists over the possible lengths, without the reversed texts', () => {
    const { db } = openMemoryStore();
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const plates = Array.from({ length: 3000 }, () =>
      Array.from({ length: 5 + Math.floor(next() * 4) }, () => PLATE_ALPHABET[Math.floor(next() * 36)]).join(
        '',
      ),
    );
    // matches of every length 3-10, so that dropping other lengths' codes from a list is checked at each
    plates.push(
      '9Z1234',
      '7ABC123',
      'XBC1234',
      '7AXC12',
      '7A0C129',
      'QQ1Z3',
      'AB1X3',
      '7ABZZZZZZ',
      'Q8C12QQ',
    );
    plates.push(
      '1Z3',
      '1234',
      'C123',
      'ZZZZZ1234',
      'ZZZZZZ1234',
      'ZZZZZZZ1Z3',
      'ZZZZZZC12Z',
      '33',
      'ZZZZZZZZZ3',
    );
    readAtT0(db, plates);
    const stored = [...new Set(plates)];
    for (const source of ['*1234', '*123', '?BC12??', '7A?C12*', '7AB*', '*1?3', '*C12?', '*3'])
      for (const tolerant of [false, true]) {
        const p = parsePattern(source);
        const what = `${source}${tolerant ? ' tolerant' : ''}`;
        if (!(tolerant && source === '*3'))
          // tolerant `*3` is `*` once its 3 is missed
          for (const v of variants(p, tolerant))
            expect(sourcesFor(v).length, `${what}: ${v.canonical}`).toBeGreaterThan(0);
        const got = candidatePlates(db, p, tolerant);
        const m = compileMatcher(p, tolerant);
        const want = stored.filter((t) => m.text(t));
        expect(want.length, what).toBeGreaterThan(0);
        expect(got.texts, what).toEqual(expect.arrayContaining(want));
        if (source === '*3' && tolerant) expect(got.scanned).toBe(true);
        else {
          expect(got.scanned, what).toBe(false);
          // a lone known character's list is long (every text with it at one of the offsets the
          // lengths allow), but still a list, not the whole store
          const lone = source === '*3' || source === '*1?3';
          expect(got.texts.length, what).toBeLessThan(stored.length / (lone ? 3 : 10));
        }
      }
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
