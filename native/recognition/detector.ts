// Plate detector: a frame (any size up to 4K) -> plate boxes with scores. Wraps
// models/plate-detector.onnx, a CenterNet-style single-class model: the frame is resized so its
// longest side is `inputSize` (padded to a multiple of 32), and boxes come from heatmap peaks
// plus regressed size and offset at stride 4. Holds only its own session (worker-safe).
import * as ort from 'onnxruntime-node';
import { toPlanarInto } from './preprocess';
import { openSession } from './session';

export const DETECTOR_STRIDE = 4;

export interface PlateBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface DetectorOptions {
  threads?: number;
  /** Longest side of the network input in pixels (default 640). */
  inputSize?: number;
  /** Minimum heatmap peak to report (default 0.3). */
  threshold?: number;
}

/** Network input geometry for a frame of the given size. */
export function inputGeometry(width: number, height: number, inputSize: number) {
  const scale = inputSize / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return { scale, w, h, pw: Math.ceil(w / 32) * 32, ph: Math.ceil(h / 32) * 32 };
}

/** Where a network input sits in the frame: frame = offset + input / scale. */
export interface InputMapping {
  scale: number;
  ox: number;
  oy: number;
  frameW: number;
  frameH: number;
}

/**
 * Overlapping tiles for frames too large for one pass: each tile is at most twice the
 * network input, so a plate keeps at least half its pixels (a 20 px plate in 4K stays 10 px
 * instead of 3). Empty below `2 * 2 * inputSize` on the longest side (1080p is one pass).
 */
export function tileRects(width: number, height: number, inputSize: number): { x: number; y: number; w: number; h: number }[] {
  const span = 2 * inputSize;
  if (Math.max(width, height) <= 2 * span) return [];
  const cols = Math.ceil(width / span);
  const rows = Math.ceil(height / span);
  const tw = Math.min(width, Math.ceil((width / cols) * 1.15));
  const th = Math.min(height, Math.ceil((height / rows) * 1.15));
  const out = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = cols === 1 ? 0 : Math.round((c * (width - tw)) / (cols - 1));
      const y = rows === 1 ? 0 : Math.round((r * (height - th)) / (rows - 1));
      out.push({ x, y, w: tw, h: th });
    }
  }
  return out;
}

/**
 * Where to look again for a detected box (box refinement): a region centred on it, 2 box widths
 * by 3 box heights, clamped to the frame, and the scale that makes the box `target` px wide at
 * the detector's input (at most `maxScale`). The whole-frame pass sees a 1080p frame at a third
 * of its size and places boxes to a few pixels of its 4-px grid, which cuts edge characters
 * off or adds frame text; the local pass sees the plate near the middle of its training sizes.
 */
export function refineRegion(box: { x: number; y: number; w: number; h: number }, frameW: number, frameH: number, target = 128, maxScale = 4) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const x = Math.max(0, Math.floor(cx - box.w));
  const y = Math.max(0, Math.floor(cy - 1.5 * box.h));
  const w = Math.min(frameW, Math.ceil(cx + box.w)) - x;
  const h = Math.min(frameH, Math.ceil(cy + 1.5 * box.h)) - y;
  const scale = Math.min(maxScale, target / Math.max(1, box.w));
  return { x, y, w, h, iw: Math.max(1, Math.round(w * scale)), ih: Math.max(1, Math.round(h * scale)) };
}

/** The refined box: the best-scoring detection of the local pass whose centre lies inside the
 * original box, keeping the original's score; none, the original. */
export function pickRefined(original: PlateBox, found: PlateBox[]): PlateBox {
  let best: PlateBox | undefined;
  for (const f of found) {
    const cx = f.x + f.w / 2;
    const cy = f.y + f.h / 2;
    const inside = cx >= original.x && cx <= original.x + original.w && cy >= original.y && cy <= original.y + original.h;
    if (inside && (!best || f.score > best.score)) best = f;
  }
  return best ? { x: best.x, y: best.y, w: best.w, h: best.h, score: original.score } : original;
}

/** IoU at which two boxes are one detection. */
export const NMS_IOU = 0.4;

/** Keep the best-scoring box of each overlapping group (IoU >= `thr`). */
export function nms<T extends { x: number; y: number; w: number; h: number; score: number }>(boxes: T[], thr = NMS_IOU): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const b of sorted) if (kept.every((k) => iou(k, b) < thr)) kept.push(b);
  return kept;
}

export function iou(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

export class PlateDetector {
  readonly inputSize: number;
  readonly threshold: number;
  /** The input tensor's floats, kept for the next frame of the same size (null while in use). */
  private spare: Float32Array | null = null;

  private constructor(
    private readonly session: ort.InferenceSession,
    opts: DetectorOptions,
  ) {
    this.inputSize = opts.inputSize ?? 640;
    this.threshold = opts.threshold ?? 0.3;
  }

  static async load(modelPath: string, opts: DetectorOptions = {}): Promise<PlateDetector> {
    const session = await openSession(modelPath, opts.threads);
    return new PlateDetector(session, opts);
  }

  /**
   * Detect on RGB bytes already resized to `inputGeometry(...)` w x h; boxes are returned in
   * frame coordinates through `map`.
   */
  async detectResized(rgb: Uint8Array, w: number, h: number, map: InputMapping): Promise<PlateBox[]> {
    const pw = Math.ceil(w / 32) * 32;
    const ph = Math.ceil(h / 32) * 32;
    const size = 3 * pw * ph;
    // Two frames in flight at once each get their own floats: only an idle spare is reused.
    const floats = this.spare?.length === size ? this.spare : new Float32Array(size);
    this.spare = null;
    const input = new ort.Tensor('float32', toPlanarInto(floats, rgb, w, h, pw, ph), [1, 3, ph, pw]);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run({ image: input });
    } finally {
      this.spare = floats;
    }
    const heat = out.heatmap;
    const box = out.box;
    if (!heat || !box) throw new Error('plate-detector model lacks "heatmap"/"box" outputs');
    const [, , gh, gw] = heat.dims as [number, number, number, number];
    return this.decode(heat.data as Float32Array, box.data as Float32Array, gw, gh, map);
  }

  private decode(hm: Float32Array, bx: Float32Array, gw: number, gh: number, map: InputMapping): PlateBox[] {
    const { scale, ox, oy, frameW, frameH } = map;
    const plane = gw * gh;
    const found: PlateBox[] = [];
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        const i = y * gw + x;
        const v = hm[i]!;
        if (v < this.threshold) continue;
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if ((dx || dy) && yy >= 0 && yy < gh && xx >= 0 && xx < gw && hm[yy * gw + xx]! > v) {
              peak = false;
              break;
            }
          }
        }
        if (!peak) continue;
        const cx = (x + bx[i]!) * DETECTOR_STRIDE;
        const cy = (y + bx[plane + i]!) * DETECTOR_STRIDE;
        const bw = Math.exp(bx[2 * plane + i]!) * DETECTOR_STRIDE;
        const bh = Math.exp(bx[3 * plane + i]!) * DETECTOR_STRIDE;
        const x0 = Math.max(0, ox + (cx - bw / 2) / scale);
        const y0 = Math.max(0, oy + (cy - bh / 2) / scale);
        const x1 = Math.min(frameW, ox + (cx + bw / 2) / scale);
        const y1 = Math.min(frameH, oy + (cy + bh / 2) / scale);
        if (x1 > x0 && y1 > y0) found.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: v });
      }
    }
    return nms(found);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
