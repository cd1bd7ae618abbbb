// The canvass map's read arrays and pixel grid: every read with a position once, in result
// order, and the hit test finds the marker drawn on top (selected plate, then later reads),
// the same one a brute-force search over all points finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanvassReadDto, CanvassResultDto } from '../../../electron/api/types-canvass';
import { extentOf, PixelGrid, pointsOf } from '../../../renderer/src/canvass/readPoints';

const read = (id: number, plate: string, lat: number | null, lon: number | null) =>
  ({ id, plate, lat, lon, timestamp: '2026-02-01T10:00:00Z' }) as CanvassReadDto;
const result = (plate: string, reads: CanvassReadDto[]) => ({ plate, reads }) as CanvassResultDto;

describe('canvass map points', () => {
  it('flattens the results in order, skipping reads without a position', () => {
    const p = pointsOf([
      result('7ABC123', [read(1, '7ABC123', 47.6, -122.3), read(2, '7ABC123', null, null)]),
      result('7ABX999', [read(3, '7ABX999', 47.7, -122.4), read(4, '7ABX999', 47.5, -122.2)]),
    ]);
    expect(p.n).toBe(3);
    expect([...p.lat]).toEqual([47.6, 47.7, 47.5]);
    expect([...p.plate]).toEqual([0, 1, 1]);
    expect(p.plates).toEqual(['7ABC123', '7ABX999']);
    expect(p.reads.map((r) => r.id)).toEqual([1, 3, 4]);
    expect(extentOf(p)).toEqual([
      [47.5, -122.4],
      [47.7, -122.2],
    ]);
    expect(extentOf(pointsOf([]))).toBeNull();
  });

  it('holds 10,000 reads of 500 plates', () => {
    const results = Array.from({ length: 500 }, (_, p) =>
      result(
        `7AB${p}`,
        Array.from({ length: 20 }, (_, k) => read(p * 20 + k, `7AB${p}`, 47 + k / 100, -122 + p / 1000)),
      ),
    );
    const pts = pointsOf(results);
    expect(pts.n).toBe(10_000);
    expect(pts.plates[pts.plate[9_999]!]).toBe('7AB499');
  });

  it('finds the marker on top: the selected plate first, then the last drawn', () => {
    const xs = Float64Array.from([100, 102, 104, 300]);
    const ys = Float64Array.from([100, 100, 101, 300]);
    const grid = new PixelGrid(xs, ys, 32);
    expect(grid.topmost(101, 100, 9)).toBe(2);
    expect(grid.topmost(101, 100, 9, (i) => i === 0)).toBe(0);
    expect(grid.topmost(200, 200, 9)).toBe(-1);
    expect(grid.topmost(305, 300, 9)).toBe(3);
    expect(grid.topmost(310, 300, 9)).toBe(-1);
  });

  it('answers like a search over every point, across cell edges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 })), {
          maxLength: 200,
        }),
        fc.tuple(fc.integer({ min: -10, max: 410 }), fc.integer({ min: -10, max: 410 })),
        fc.integer({ min: 1, max: 40 }),
        (pts, [x, y], top) => {
          const xs = Float64Array.from(pts.map((p) => p[0]));
          const ys = Float64Array.from(pts.map((p) => p[1]));
          const onTop = (i: number) => i % top === 0;
          let want = -1;
          for (let i = 0; i < pts.length; i++) {
            if ((xs[i]! - x) ** 2 + (ys[i]! - y) ** 2 > 81) continue;
            if (want < 0 || (onTop(i) && !onTop(want)) || onTop(i) === onTop(want)) want = i;
          }
          expect(new PixelGrid(xs, ys, 16).topmost(x, y, 9, onTop)).toBe(want);
        },
      ),
    );
  });
});
