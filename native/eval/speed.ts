// Speed check for the recognition models on this machine: the detector on a 1080p frame and
// on the same frame at 4K, where small plates are also searched in tiles (encoded JPEG in,
// boxes out, so decode and resize are counted) and the reader on one crop
// (pixels in, reading out). Reports median and best of repeated runs: on a shared machine the
// best run is the closest estimate of the uncontended cost.
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { insetRegions, type RecognitionEngine } from '../recognition/index';
import { decodeRgb } from '../recognition/preprocess';

export interface SpeedReport {
  frame: string;
  detect_1080p_ms: { median: number; best: number };
  recognize_1080p_ms: { median: number; best: number };
  /** 3840x2160: the whole-frame pass plus the overlapping tiles (RecognitionEngine `tiles`). */
  detect_4k_ms: { median: number; best: number };
  crop: string;
  read_crop_ms: { median: number; best: number };
  /**
   * The crop path as `canvass eval --crops` reads (RecognitionEngine.readCrop: beam search, the
   * inset vote when this crop's reading is unsure, the edge trim), and what an unsure crop costs:
   * the whole crop, then its two insets in one batch (insetRegions).
   */
  read_crop_path_ms: { median: number; best: number };
  read_unsure_crop_ms: { median: number; best: number };
  /** The corner net on one box (the crop's middle), when the engine has it. */
  corners_ms?: { median: number; best: number };
  runs: number;
  models: string;
  /** Detector input sizes of the whole-frame passes (`--detector-sizes`), main first. */
  detector_sizes: number[];
  refine_boxes: boolean;
  crop_vote: boolean;
}

async function time(runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: first runs allocate and JIT
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { median: r(t[Math.floor(t.length / 2)]!), best: r(t[0]!) };
}

export async function measureSpeed(engine: RecognitionEngine, frameFile: string, cropFile: string, runs = 30): Promise<SpeedReport> {
  const frame = await sharp(frameFile).resize(1920, 1080, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  const frame4k = await sharp(frameFile).resize(3840, 2160, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  const crop = await decodeRgb(cropFile);
  const whole = [{ x: 0, y: 0, w: crop.width, h: crop.height }];
  const insets = insetRegions(crop.width, crop.height);
  return {
    frame: frameFile,
    detect_1080p_ms: await time(runs, () => engine.detect(frame)),
    recognize_1080p_ms: await time(runs, () => engine.recognize(frame)),
    detect_4k_ms: await time(Math.max(1, Math.ceil(runs / 3)), () => engine.detect(frame4k)),
    crop: cropFile,
    read_crop_ms: await time(runs * 5, () => engine.readRegions(crop, whole)),
    read_crop_path_ms: await time(runs * 5, () => engine.readCrop(crop)),
    read_unsure_crop_ms: await time(runs * 5, async () => {
      await engine.readRegions(crop, whole);
      return engine.readRegions(crop, insets);
    }),
    ...(engine.findsCorners
      ? { corners_ms: await time(runs * 5, () => engine.findCorners(crop, [{ x: crop.width * 0.1, y: crop.height * 0.15, w: crop.width * 0.8, h: crop.height * 0.7 }])) }
      : {}),
    runs,
    models: engine.version,
    detector_sizes: engine.detectorSizes,
    refine_boxes: engine.refinesBoxes,
    crop_vote: engine.votesCrops,
  };
}
