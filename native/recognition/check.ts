// The plate check: a small network that says whether a box the reader confirmed holds a plate
// (training/train_check.py; none ships yet, the engine runs one when asked: `plateCheck`). A car badge, a shop sign or a date burnt into a photo reads as
// confidently as a plate; the plate around the characters is what tells them apart. The check sees
// the corner net's crop of the box (`cornerCrops`: the box widened each side, grey 128 x 64), so
// the engine makes the crop once for both, and returns a plate probability per box.
import * as ort from 'onnxruntime-node';
import { CORNER_H, CORNER_W, cornerCrops, type CornerCrops } from './corners';
import type { Rect, RgbImage } from './preprocess';
import { openSession } from './session';

/**
 * A confirmed box whose plate probability is under this is not confirmed (fixed before any result
 * of the check, training/README.md "Session 16"; not fitted).
 */
export const PLATE_CHECK_THRESHOLD = 0.2;

export class PlateCheck {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(modelPath: string, opts: { threads?: number } = {}): Promise<PlateCheck> {
    return new PlateCheck(await openSession(modelPath, opts.threads));
  }

  /** Each box's plate probability (0 to 1), in one batch. */
  async score(img: RgbImage, boxes: Rect[]): Promise<number[]> {
    return this.scoreIn(cornerCrops(img, boxes));
  }

  /** `score` over crops already made (`cornerCrops`), which the corner net shares. */
  async scoreIn(crops: CornerCrops): Promise<number[]> {
    const n = crops.regions.length;
    if (n === 0) return [];
    const out = await this.session.run({ image: new ort.Tensor('float32', crops.input, [n, 1, CORNER_H, CORNER_W]) });
    const p = out.plate;
    if (!p) throw new Error('plate-check model has no "plate" output');
    const v = Array.from(p.data as Float32Array);
    if (v.length !== n) throw new Error(`plate-check model gave ${v.length} values for ${n} boxes: its "plate" output must be one probability a box`);
    const bad = v.find((x) => !(x >= 0 && x <= 1));
    if (bad !== undefined) throw new Error(`plate-check model gave ${bad}, not a probability from 0 to 1 (does it end in a sigmoid?)`);
    return v;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
