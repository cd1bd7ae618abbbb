// greyCrop (the reader's input: grey crop resized PIL-style) against a direct two-dimensional
// evaluation of the same triangle filter, on real frames and crops from ../shared/data: up- and
// downscaling, rects past the frame's edges, and a batch offset.
import { describe, expect, it } from 'vitest';
import { decodeRgb, greyCrop, type Rect, type RgbImage } from '../../../native/recognition/preprocess';
import { sharedData } from '../../support/shared-data';

/** PIL BILINEAR taps for one axis (support grows with the shrink factor), edges clamped. */
function taps(start: number, len: number, dst: number, limit: number, o: number): [number, number][] {
  const scale = len / dst;
  const support = Math.max(scale, 1);
  const centre = start + (o + 0.5) * scale;
  const out: [number, number][] = [];
  for (let i = Math.floor(centre - support); i <= Math.ceil(centre + support); i++) {
    const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
    if (w > 0) out.push([Math.min(limit - 1, Math.max(0, i)), w]);
  }
  if (out.length === 0) out.push([Math.min(limit - 1, Math.max(0, Math.round(centre))), 1]);
  const sum = out.reduce((s, [, w]) => s + w, 0);
  return out.map(([i, w]) => [i, w / sum]);
}

function reference(img: RgbImage, r: Rect, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const grey = (x: number, y: number) => {
    const p = (y * img.width + x) * 3;
    return 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
  };
  for (let oy = 0; oy < dh; oy++) {
    const ty = taps(r.y, r.h, dh, img.height, oy);
    for (let ox = 0; ox < dw; ox++) {
      const tx = taps(r.x, r.w, dw, img.width, ox);
      let acc = 0;
      for (const [y, wy] of ty) for (const [x, wx] of tx) acc += wy * wx * grey(x, y);
      out[oy * dw + ox] = Math.round(acc) / 255;
    }
  }
  return out;
}

describe('greyCrop', () => {
  it('equals the direct 2-D filter (to rounding) for crops inside, across and past the frame', async () => {
    const frame = await decodeRgb(sharedData('dashcam-ro', 'dayride_type1_001_t119.jpg'));
    const crop = await decodeRgb(sharedData('us-plate-crops', 'images', 'ak1165.jpg'));
    const cases: [RgbImage, Rect][] = [
      [crop, { x: 0, y: 0, w: crop.width, h: crop.height }], // whole crop, shrinks 2x by 3.25x
      [frame, { x: 700, y: 500, w: 90, h: 30 }], // small plate in a frame: upscaled
      [frame, { x: -20, y: -10, w: 300, h: 80 }], // past the top-left corner
      [frame, { x: frame.width - 50, y: frame.height - 20, w: 120, h: 40 }], // past the bottom-right
      [frame, { x: 100.4, y: 200.7, w: 1000.3, h: 333.1 }], // fractional, strong shrink
    ];
    const dw = 160;
    const dh = 48;
    let unequal = 0;
    for (const [img, r] of cases) {
      const got = new Float32Array(2 * dw * dh).fill(-1);
      greyCrop(img, r, dw, dh, got, dw * dh); // second slot of a batch
      expect(got[dw * dh - 1]).toBe(-1); // the first slot is untouched
      const want = reference(img, r, dw, dh);
      for (let i = 0; i < want.length; i++) {
        const diff = Math.abs(got[dw * dh + i]! - want[i]!);
        expect(diff).toBeLessThanOrEqual(1 / 255 + 1e-6);
        if (diff > 1e-6) unequal++;
      }
    }
    expect(unequal / (cases.length * dw * dh)).toBeLessThan(0.001); // float summation order only
  });
});
