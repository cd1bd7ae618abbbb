// Marker stamps blended into the canvass map's pixel buffer: source-over like the canvas's own
// compositing (within rounding), clipped at every edge without touching bytes outside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stampAll, stampOver, type Stamp } from '../../../renderer/src/canvass/stamp';

const solid = (w: number, h: number, rgba: [number, number, number, number]): Stamp => {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(rgba, i * 4);
  return { w, h, data };
};
const px = (d: Uint8ClampedArray, w: number, x: number, y: number) => [
  ...d.slice((y * w + x) * 4, (y * w + x) * 4 + 4),
];

describe('marker stamps', () => {
  it('copies onto transparent pixels and blends over drawn ones', () => {
    const dst = new Uint8ClampedArray(4 * 4 * 4);
    stampOver(dst, 4, 4, solid(2, 2, [0, 0, 255, 153]), 1, 1); // 0.6 alpha blue
    expect(px(dst, 4, 1, 1)).toEqual([0, 0, 255, 153]);
    expect(px(dst, 4, 0, 0)).toEqual([0, 0, 0, 0]);
    stampOver(dst, 4, 4, solid(1, 1, [255, 0, 0, 153]), 2, 2); // red 0.6 over blue 0.6
    // alpha 0.6 + 0.6·0.4 = 0.84; colour weighs red 0.6 against blue 0.24
    const [r, g, b, a] = px(dst, 4, 2, 2);
    expect(a).toBe(214);
    expect(r).toBe(182);
    expect(g).toBe(0);
    expect(b).toBe(73);
    stampOver(dst, 4, 4, solid(1, 1, [10, 20, 30, 255]), 1, 1); // opaque replaces
    expect(px(dst, 4, 1, 1)).toEqual([10, 20, 30, 255]);
  });

  it('clips at the edges and writes nothing outside the stamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: -12, max: 20 }), fc.integer({ min: -12, max: 20 }), (x0, y0) => {
        const w = 10;
        const h = 8;
        const dst = new Uint8ClampedArray(w * h * 4);
        stampOver(dst, w, h, solid(6, 6, [1, 2, 3, 200]), x0, y0);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const inside = x >= x0 && x < x0 + 6 && y >= y0 && y < y0 + 6;
            expect(px(dst, w, x, y)).toEqual(inside ? [1, 2, 3, 200] : [0, 0, 0, 0]);
          }
        }
      }),
    );
  });

  it('stamps a whole drawing in order, later stamps on top', () => {
    const data = stampAll({
      seq: 1,
      W: 3,
      H: 1,
      bx: 0,
      by: 0,
      bw: 3,
      bh: 1,
      bitmap: false,
      xs: Int32Array.from([0, 1]),
      ys: Int32Array.from([0, 0]),
      kinds: Uint8Array.from([0, 1]),
      sprites: [solid(2, 1, [0, 0, 255, 255]), solid(2, 1, [255, 0, 0, 255])],
    });
    expect([...data]).toEqual([0, 0, 255, 255, 255, 0, 0, 255, 255, 0, 0, 255]);
  });
});
