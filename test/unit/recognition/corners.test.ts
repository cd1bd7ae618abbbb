// Plate corners, the geometry half: the square-to-quad map, which outlines count as plates, and
// greyQuad (the rectified read) against greyCrop on real crops from ../shared/data.
import { describe, expect, it } from 'vitest';
import { cornerRegion, greyQuad, isPlateQuad, quadBounds, squareToQuad, type Quad } from '../../../native/recognition/corners';
import { decodeRgb, greyCrop, type RgbImage } from '../../../native/recognition/preprocess';
import { sharedData } from '../../support/shared-data';

const quad = (...p: number[]): Quad => [
  { x: p[0]!, y: p[1]! },
  { x: p[2]!, y: p[3]! },
  { x: p[4]!, y: p[5]! },
  { x: p[6]!, y: p[7]! },
];

/** The image turned a quarter turn clockwise (a pixel permutation, nothing resampled). */
function quarterTurn(img: RgbImage): RgbImage {
  const { width: W, height: H } = img;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 3;
      const d = (x * H + (H - 1 - y)) * 3; // (x, y) -> (H - 1 - y, x) in a H-wide image
      data[d] = img.data[s]!;
      data[d + 1] = img.data[s + 1]!;
      data[d + 2] = img.data[s + 2]!;
    }
  }
  return { width: H, height: W, data };
}

const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('square-to-quad map', () => {
  it('sends the unit square corners to the quadrilateral corners, and the centre of a rectangle to its centre', () => {
    const q = quad(10, 20, 110, 5, 130, 70, 0, 60);
    const map = squareToQuad(q)!;
    const corners = [map(0, 0), map(1, 0), map(1, 1), map(0, 1)];
    corners.forEach((p, i) => {
      expect(p.x).toBeCloseTo(q[i]!.x, 6);
      expect(p.y).toBeCloseTo(q[i]!.y, 6);
    });
    const rect = squareToQuad(quad(0, 0, 200, 0, 200, 100, 0, 100))!;
    expect(rect(0.5, 0.5)).toEqual({ x: 100, y: 50 });
    expect(rect(0.25, 0.1).x).toBeCloseTo(50, 9);
  });

  it('rejects outlines that are not a plate: collinear, crossed, counter-clockwise', () => {
    expect(squareToQuad(quad(0, 0, 1, 0, 2, 0, 3, 0))).toBeNull();
    expect(isPlateQuad(quad(0, 0, 100, 0, 100, 50, 0, 50))).toBe(true);
    expect(isPlateQuad(quad(0, 0, 0, 50, 100, 50, 100, 0))).toBe(false); // counter-clockwise
    expect(isPlateQuad(quad(0, 0, 100, 50, 100, 0, 0, 50))).toBe(false); // a bow tie
    expect(isPlateQuad(quad(0, 0, 100, 0, 100, 50, 90, 5))).toBe(false); // not convex
    expect(isPlateQuad(quad(0, 0, Number.NaN, 0, 100, 50, 0, 50))).toBe(false);
  });

  it('bounds and the corner net region of a box', () => {
    expect(quadBounds(quad(10, 20, 110, 5, 130, 70, 0, 60))).toEqual({ x: 0, y: 5, w: 130, h: 65 });
    expect(cornerRegion({ x: 100, y: 50, w: 100, h: 40 })).toEqual({ x: 80, y: 36, w: 140, h: 68 });
  });
});

describe('greyQuad (reading a plate through its corners)', () => {
  it('an upright quadrilateral samples the crop greyCrop reads', async () => {
    for (const file of ['ca1194.jpg', 'ar1308.jpg', 'ne790.jpg']) {
      const img = await decodeRgb(sharedData('us-plate-crops', 'images', file));
      const q = quad(0, 0, img.width, 0, img.width, img.height, 0, img.height);
      const a = new Float32Array(160 * 48);
      const b = new Float32Array(160 * 48);
      expect(greyQuad(img, q, 160, 48, a)).toBe(true);
      greyCrop(img, { x: 0, y: 0, w: img.width, h: img.height }, 160, 48, b);
      // unwarped at the crop's own size, then the same PIL-style shrink: under a grey level apart on average
      expect(meanAbs(a, b)).toBeLessThan(1 / 255);
    }
  });

  it('a plate turned a quarter turn reads upright again through its corners', async () => {
    const img = await decodeRgb(sharedData('us-plate-crops', 'images', 'co192.jpg'));
    const turned = quarterTurn(img);
    const H = img.height;
    const W = img.width;
    // the plate's own top-left (0, 0) is now at (H, 0), top-right (W, 0) at (H, W), and so on
    const q = quad(H, 0, H, W, 0, W, 0, 0);
    expect(isPlateQuad(q)).toBe(true);
    const a = new Float32Array(160 * 48);
    const b = new Float32Array(160 * 48);
    greyQuad(turned, q, 160, 48, a);
    greyQuad(img, quad(0, 0, W, 0, W, H, 0, H), 160, 48, b);
    expect(meanAbs(a, b)).toBeLessThan(0.5 / 255);
    // and without the corners (the turned frame read as it lies) the picture is another one
    const c = new Float32Array(160 * 48);
    greyCrop(turned, { x: 0, y: 0, w: turned.width, h: turned.height }, 160, 48, c);
    expect(meanAbs(c, b)).toBeGreaterThan(20 / 255);
  });

  it('margins widen the sampled area around the plate; a degenerate outline writes nothing', async () => {
    const img = await decodeRgb(sharedData('us-plate-crops', 'images', 'ca1194.jpg'));
    const W = img.width;
    const H = img.height;
    const inner = quad(W * 0.25, H * 0.25, W * 0.75, H * 0.25, W * 0.75, H * 0.75, W * 0.25, H * 0.75);
    const a = new Float32Array(160 * 48);
    const b = new Float32Array(160 * 48);
    greyQuad(img, inner, 160, 48, a, 0, 0.5, 0.5); // half the inner size each side: the whole crop
    greyCrop(img, { x: 0, y: 0, w: W, h: H }, 160, 48, b);
    expect(meanAbs(a, b)).toBeLessThan(1 / 255);
    const out = new Float32Array(160 * 48).fill(7);
    expect(greyQuad(img, quad(0, 0, 1, 0, 2, 0, 3, 0), 160, 48, out)).toBe(false);
    expect(out.every((v) => v === 7)).toBe(true);
  });
});
