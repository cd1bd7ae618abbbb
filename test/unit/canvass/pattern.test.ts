// Property and unit tests of the plate pattern language and the misread-tolerant matcher.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignTolerant, CONFUSION_GROUPS, lookAlikes } from '../../../electron/core/canvass/confusions';
import { expand, matches, parsePattern, PLATE_ALPHABET } from '../../../electron/core/canvass/pattern';
import { compileMatcher } from '../../../electron/core/canvass/match';
import { gramsOf, writeGramsAfter } from '../../../electron/core/canvass/plate-index';
import Database from 'better-sqlite3';
import { migrate, migrations } from '../../../electron/core/store/migrations';

const plateArb = fc.string({ unit: fc.constantFrom(...PLATE_ALPHABET), minLength: 2, maxLength: 8 });

describe('pattern language', () => {
  it('every plate matches its own exact pattern, and only itself', () => {
    fc.assert(
      fc.property(plateArb, plateArb, (a, b) => {
        const p = parsePattern(a);
        expect(matches(p, a)).toBe(true);
        expect(matches(p, b)).toBe(a === b);
      }),
    );
  });

  it('* matches everything; spaces, dashes and case are ignored', () => {
    fc.assert(fc.property(plateArb, (a) => matches(parsePattern('*'), a)));
    expect(matches(parsePattern('7ab-c 123'), '7ABC123')).toBe(true);
  });

  it('? is exactly one character and * any run', () => {
    fc.assert(
      fc.property(plateArb, fc.nat(), (a, k) => {
        const i = k % a.length;
        const q = a.slice(0, i) + '?' + a.slice(i + 1);
        expect(matches(parsePattern(q), a)).toBe(true);
        expect(matches(parsePattern(q), a + 'X')).toBe(false);
        expect(matches(parsePattern(a.slice(0, i) + '*'), a)).toBe(true);
        expect(matches(parsePattern('*' + a.slice(i)), a)).toBe(true);
      }),
    );
  });

  it('a pattern with classes matches exactly its expansions', () => {
    const classArb = fc
      .uniqueArray(fc.constantFrom(...PLATE_ALPHABET), { minLength: 1, maxLength: 3 })
      .map((cs) => `[${cs.join('')}]`);
    const partArb = fc.oneof(fc.constantFrom(...PLATE_ALPHABET), classArb);
    fc.assert(
      fc.property(fc.array(partArb, { minLength: 1, maxLength: 5 }), plateArb, (parts, other) => {
        const p = parsePattern(parts.join(''));
        const all = expand(p)!;
        for (const x of all) expect(matches(p, x)).toBe(true);
        expect(matches(p, other)).toBe(all.includes(other));
      }),
    );
  });

  it('parse errors name the character and its position', () => {
    const bad = (s: string) => {
      try {
        parsePattern(s);
        return null;
      } catch (e) {
        return e as { message: string; details: { position: number } };
      }
    };
    expect(bad('7AB%1')!.details.position).toBe(4);
    expect(bad('7AB%1')!.message).toContain('"%"');
    expect(bad('7A[8B')!.details.position).toBe(3);
    expect(bad('7A]')!.details.position).toBe(3);
    expect(bad('ABCDEFGHIJK')!.details.position).toBe(11);
    expect(bad('  ')!.message).toContain('empty');
    expect(bad('[]')).not.toBeNull();
  });
});

describe('misread tolerance', () => {
  const confusableArb = fc
    .tuple(plateArb, fc.nat())
    .map(([plate, k]) => {
      const i = k % plate.length;
      const alts = lookAlikes(plate[i]!).replace(plate[i]!, '');
      return { plate, i, alts };
    })
    .filter((x) => x.alts.length > 0);

  it('finds a plate with one look-alike substitution, and says which character', () => {
    fc.assert(
      fc.property(confusableArb, fc.nat(), ({ plate, i, alts }, k) => {
        const misread = plate.slice(0, i) + alts[k % alts.length] + plate.slice(i + 1);
        const a = alignTolerant(parsePattern(plate), misread);
        expect(a).not.toBeNull();
        expect(a!.subs.map((s) => s.index)).toEqual([i]);
        expect(matches(parsePattern(plate), misread)).toBe(false);
      }),
    );
  });

  it('finds a plate with one missing or extra character', () => {
    fc.assert(
      fc.property(
        plateArb.filter((p) => p.length >= 3),
        fc.nat(),
        (plate, k) => {
          const i = k % plate.length;
          const missing = plate.slice(0, i) + plate.slice(i + 1);
          expect(alignTolerant(parsePattern(plate), missing)?.indel?.kind).toBe('missing');
          const extra = plate.slice(0, i) + 'X' + plate.slice(i);
          expect(alignTolerant(parsePattern(plate), extra)).not.toBeNull();
        },
      ),
    );
  });

  it('does not accept a substitution that is not a look-alike', () => {
    expect(alignTolerant(parsePattern('7ABC123'), '7ABC12X')).toBeNull();
    expect(CONFUSION_GROUPS).toContain('8B');
  });

  it('weighs a look-alike by the read confidence and explains it in words', () => {
    const m = compileMatcher('7A8C123', true);
    const read = (conf: number) => ({
      id: 1,
      plate: '7ABC123',
      ts: 0,
      lat: null,
      lon: null,
      source_id: null,
      state: null,
      color: null,
      confidence: 0.9,
      char_conf: JSON.stringify([0.99, 0.99, conf, 0.99, 0.99, 0.99, 0.99]),
      alternatives: null,
    });
    const low = m.read(read(0.41))!;
    const high = m.read(read(0.99))!;
    expect(low.quality).toBeGreaterThan(high.quality);
    expect(low.reasons[0]).toBe('char 3 read B at 0.41 — could be 8');
    const viaAlt = m.read({
      ...read(0.9),
      plate: '7A8C12Z',
      alternatives: JSON.stringify([
        { text: 'X', confidence: 0.1 },
        { text: '7A8C123', confidence: 0.3 },
      ]),
    })!;
    expect(viaAlt.via).toBe('alternative');
    expect(viaAlt.reasons[0]).toContain('matched via alternative reading #2');
  });
});

describe('gram keys', () => {
  it('the SQL that writes grams (migration 12) computes the same keys as gramsOf', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.filter((m) => m.version <= 12)); // migration 13 replaced canvass_grams
    const store = { db, close: () => db.close() };
    const ins = store.db.prepare('INSERT INTO canvass_texts (era, text, rtext) VALUES (?, ?, ?)');
    let era = 0; // a text is unique per era: each run its own
    const rows = store.db.prepare('SELECT key FROM canvass_grams WHERE text_id = ? ORDER BY key').pluck();
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...PLATE_ALPHABET), minLength: 2, maxLength: 10 }),
        (text) => {
          const id = Number(ins.run(era++, text, '').lastInsertRowid);
          writeGramsAfter(store.db, id - 1);
          expect(rows.all(id)).toEqual([...new Set(gramsOf(text))].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
    store.close();
  });
});
