// Plate corners: models/plate-corners.onnx finds the four corners of the plate inside a detector
// box (the detector's boxes are axis-aligned; a plate seen at an angle is a quadrilateral in
// them). The net sees the box widened by CORNER_MX / CORNER_MY each side, in grey at
// CORNER_W x CORNER_H, and returns top-left, top-right, bottom-right, bottom-left as fractions of
// that crop (training/train_corners.py; the constants are part of the model's contract).
// `greyQuad` samples a quadrilateral into an upright rectangle, for reading a plate rectified.
import * as ort from 'onnxruntime-node';
import { greyCrop, type Rect, type RgbImage } from './preprocess';
import { openSession } from './session';

export const CORNER_W = 128;
export const CORNER_H = 64;
export const CORNER_MX = 0.2;
export const CORNER_MY = 0.35;

export interface Point {
  x: number;
  y: number;
}

/** Top-left, top-right, bottom-right, bottom-left, in frame pixels. */
export type Quad = [Point, Point, Point, Point];

/** The region the corner net sees for a box: the box widened by CORNER_MX / CORNER_MY each side. */
export function cornerRegion(b: Rect): Rect {
  return { x: b.x - CORNER_MX * b.w, y: b.y - CORNER_MY * b.h, w: b.w * (1 + 2 * CORNER_MX), h: b.h * (1 + 2 * CORNER_MY) };
}

/** The axis-aligned bounds of a quadrilateral. */
export function quadBounds(q: Quad): Rect {
  const xs = q.map((p) => p.x);
  const ys = q.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/**
 * The projective map of the unit square onto `q` ((0,0) -> q[0], (1,0) -> q[1], (1,1) -> q[2],
 * (0,1) -> q[3]; Heckbert's square-to-quad solution), as a function of (u, v); null when the
 * quadrilateral is degenerate or the map folds through infinity inside the square (convexity and
 * corner order are `isPlateQuad`'s to check).
 */
export function squareToQuad(q: Quad): ((u: number, v: number) => Point) | null {
  const [p0, p1, p2, p3] = q;
  const dx1 = p1.x - p2.x;
  const dx2 = p3.x - p2.x;
  const dx3 = p0.x - p1.x + p2.x - p3.x;
  const dy1 = p1.y - p2.y;
  const dy2 = p3.y - p2.y;
  const dy3 = p0.y - p1.y + p2.y - p3.y;
  const det = dx1 * dy2 - dx2 * dy1;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-9) return null;
  const g = (dx3 * dy2 - dx2 * dy3) / det;
  const h = (dx1 * dy3 - dx3 * dy1) / det;
  const a = p1.x - p0.x + g * p1.x;
  const b = p3.x - p0.x + h * p3.x;
  const d = p1.y - p0.y + g * p1.y;
  const e = p3.y - p0.y + h * p3.y;
  // every point of the square must map with a positive denominator (no fold through infinity)
  if ([1, 1 + g, 1 + h, 1 + g + h].some((w) => w <= 1e-6)) return null;
  return (u, v) => {
    const w = g * u + h * v + 1;
    return { x: (a * u + b * v + p0.x) / w, y: (d * u + e * v + p0.y) / w };
  };
}

/**
 * Whether `q` is a plausible plate outline: convex, corners in clockwise order (on screen, y
 * down), and not folded; only such a quadrilateral is reported or read rectified.
 */
export function isPlateQuad(q: Quad): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    const c = q[(i + 2) % 4]!;
    const cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    if (!Number.isFinite(cross) || Math.abs(cross) < 1e-9) return false;
    const s = Math.sign(cross);
    if (sign !== 0 && s !== sign) return false;
    sign = s;
  }
  return sign > 0 && squareToQuad(q) !== null;
}

/** RGB at a fractional position, bilinear, edges clamped, into `out` at `o`. */
function rgbAt(img: RgbImage, x: number, y: number, out: Uint8Array, o: number): void {
  const { width: W, height: H, data: d } = img;
  const fx = Math.min(Math.max(x - 0.5, 0), W - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), H - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, W - 1);
  const y1 = Math.min(y0 + 1, H - 1);
  const tx = fx - x0;
  const ty = fy - y0;
  const i00 = (y0 * W + x0) * 3;
  const i01 = (y0 * W + x1) * 3;
  const i10 = (y1 * W + x0) * 3;
  const i11 = (y1 * W + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = d[i00 + c]! * (1 - tx) + d[i01 + c]! * tx;
    const bottom = d[i10 + c]! * (1 - tx) + d[i11 + c]! * tx;
    out[o + c] = Math.round(top * (1 - ty) + bottom * ty);
  }
}

/** The most an upright plate is sampled at before the PIL-style shrink, per output pixel. */
const MAX_UPRIGHT = 3;

/**
 * The quadrilateral `q`, widened by `mx` / `my` of its own width / height each side, as an upright
 * dw x dh grey image (floats 0..1 written into `out` at `offset`, row-major), the way the reader's
 * crops are made: the plate is first unwarped at about its own resolution (bilinear, at least
 * dw x dh, at most MAX_UPRIGHT times that), then shrunk by `greyCrop` (PIL's grey + triangle
 * filter). Returns false (and writes nothing) for a quadrilateral that `squareToQuad` rejects.
 */
export function greyQuad(img: RgbImage, q: Quad, dw: number, dh: number, out: Float32Array, offset = 0, mx = 0, my = 0): boolean {
  const map = squareToQuad(q);
  if (!map) return false;
  const len = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
  const across = Math.max(len(q[0], q[1]), len(q[3], q[2])) * (1 + 2 * mx);
  const down = Math.max(len(q[0], q[3]), len(q[1], q[2])) * (1 + 2 * my);
  const uw = Math.min(dw * MAX_UPRIGHT, Math.max(dw, Math.round(across)));
  const uh = Math.min(dh * MAX_UPRIGHT, Math.max(dh, Math.round(down)));
  const upright = new Uint8Array(uw * uh * 3);
  for (let oy = 0; oy < uh; oy++) {
    const v = -my + ((oy + 0.5) / uh) * (1 + 2 * my);
    for (let ox = 0; ox < uw; ox++) {
      const p = map(-mx + ((ox + 0.5) / uw) * (1 + 2 * mx), v);
      rgbAt(img, p.x, p.y, upright, (oy * uw + ox) * 3);
    }
  }
  greyCrop({ width: uw, height: uh, data: upright }, { x: 0, y: 0, w: uw, h: uh }, dw, dh, out, offset);
  return true;
}

/** Boxes' corner-net regions and their grey crops, one CORNER_H x CORNER_W plane per box. */
export interface CornerCrops {
  regions: Rect[];
  input: Float32Array;
}

/** The crops the corner net and the plate check see (`cornerRegion`, `greyCrop`), made once. */
export function cornerCrops(img: RgbImage, boxes: Rect[]): CornerCrops {
  const plane = CORNER_W * CORNER_H;
  const regions = boxes.map(cornerRegion);
  const input = new Float32Array(regions.length * plane);
  regions.forEach((r, i) => greyCrop(img, r, CORNER_W, CORNER_H, input, i * plane));
  return { regions, input };
}

/** The crops of the boxes at `keep` (indexes into `crops.regions`), in that order. */
export function pickCrops(crops: CornerCrops, keep: number[]): CornerCrops {
  const plane = CORNER_W * CORNER_H;
  const input = new Float32Array(keep.length * plane);
  keep.forEach((k, j) => input.set(crops.input.subarray(k * plane, (k + 1) * plane), j * plane));
  return { regions: keep.map((k) => crops.regions[k]!), input };
}

export interface CornerOptions {
  threads?: number;
}

/** The corner net: one ONNX session; `find` takes boxes of a decoded frame, in one batch. */
export class PlateCorners {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(modelPath: string, opts: CornerOptions = {}): Promise<PlateCorners> {
    const session = await openSession(modelPath, opts.threads);
    return new PlateCorners(session);
  }

  /**
   * Each box's plate corners in frame pixels, or null where the net's answer is not a plausible
   * plate outline (`isPlateQuad`).
   */
  async find(img: RgbImage, boxes: Rect[]): Promise<(Quad | null)[]> {
    return this.findIn(cornerCrops(img, boxes));
  }

  /** `find` over crops already made (`cornerCrops`), which the plate check shares. */
  async findIn(crops: CornerCrops): Promise<(Quad | null)[]> {
    const { regions, input } = crops;
    if (regions.length === 0) return [];
    const out = await this.session.run({ image: new ort.Tensor('float32', input, [regions.length, 1, CORNER_H, CORNER_W]) });
    const c = out.corners;
    if (!c) throw new Error('plate-corners model has no "corners" output');
    const v = c.data as Float32Array;
    return regions.map((r, i) => {
      const pt = (k: number): Point => ({ x: r.x + v[i * 8 + 2 * k]! * r.w, y: r.y + v[i * 8 + 2 * k + 1]! * r.h });
      const q: Quad = [pt(0), pt(1), pt(2), pt(3)];
      return isPlateQuad(q) ? q : null;
    });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
