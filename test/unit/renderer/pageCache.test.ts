// The sparse page cache behind the virtualized reads table: which pages to fetch for a
// visible range, what a row index resolves to, and LRU eviction beyond the cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageCache } from '../../../renderer/src/reads/pageCache';

const rowsOf = (page: number, size: number, total: number) =>
  Array.from({ length: Math.max(0, Math.min(size, total - page * size)) }, (_, i) => page * size + i);

describe('PageCache', () => {
  it('asks for the pages covering a range, once, and never past the end', () => {
    const c = new PageCache<number>(500);
    expect(c.missing(0, 40, null)).toEqual([0]);
    expect(c.missing(480, 1020, 100_000)).toEqual([0, 1, 2]);
    c.markPending(1);
    expect(c.missing(480, 1020, 100_000)).toEqual([0, 2]);
    expect(c.missing(99_990, 100_500, 100_000)).toEqual([199]);
    expect(c.missing(0, 10, 0)).toEqual([]);
    expect(c.missing(10, 5, 1000)).toEqual([]);
  });

  it('resolves absolute indexes into loaded pages', () => {
    const c = new PageCache<number>(100);
    c.put(3, rowsOf(3, 100, 1000));
    expect(c.get(350)).toBe(350);
    expect(c.get(250)).toBeUndefined();
    expect(c.get(-1)).toBeUndefined();
    expect(c.loadedRows).toBe(100);
    expect(c.missing(300, 399, 1000)).toEqual([]);
  });

  it('lets a failed page be asked for again', () => {
    const c = new PageCache<number>(10);
    c.markPending(0);
    expect(c.missing(0, 5, 100)).toEqual([]);
    c.fail(0);
    expect(c.missing(0, 5, 100)).toEqual([0]);
  });

  it('evicts the least recently used page beyond the cap', () => {
    const c = new PageCache<number>(10, 2);
    c.put(0, rowsOf(0, 10, 100));
    c.put(1, rowsOf(1, 10, 100));
    c.missing(0, 5, 100); // touches page 0: page 1 is now the oldest
    c.put(2, rowsOf(2, 10, 100));
    expect(c.hasPage(0)).toBe(true);
    expect(c.hasPage(1)).toBe(false);
    expect(c.hasPage(2)).toBe(true);
    expect(c.loadedPages).toBe(2);
  });

  it('refuses a page size that is not a positive integer', () => {
    expect(() => new PageCache(0)).toThrow(RangeError);
  });

  it('for any ranges, fetching what is missing makes every row in range resolvable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 0, max: 300 })), {
          maxLength: 20,
        }),
        (size, total, ranges) => {
          const c = new PageCache<number>(size, 10_000);
          for (const [start, len] of ranges) {
            const end = start + len;
            for (const p of c.missing(start, end, total)) {
              expect(p * size).toBeLessThan(total);
              c.markPending(p);
              c.put(p, rowsOf(p, size, total));
            }
            for (let i = start; i <= Math.min(end, total - 1); i++) expect(c.get(i)).toBe(i);
          }
        },
      ),
    );
  });
});
