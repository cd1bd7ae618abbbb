// Plate corners, the model half (models/plate-corners.onnx through the engine): every verified
// plate of real scenes gets an outline that sits on its box, the outline turns with the photo,
// and the rectified read is an option that needs the corners.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenes } from '../../../native/eval/datasets';
import { isPlateQuad, quadBounds, type Quad } from '../../../native/recognition/corners';
import { iou } from '../../../native/recognition/detector';
import { DEFAULT_MODELS_DIR, RecognitionEngine } from '../../../native/recognition/index';
import { decodeRgb } from '../../../native/recognition/preprocess';
import { sharedDataDir } from '../../support/shared-data';
import { tempDir } from '../../support/temp';

const DATA = sharedDataDir();
const topEdgeDegrees = (q: Quad) => (Math.atan2(q[1].y - q[0].y, q[1].x - q[0].x) * 180) / Math.PI;

describe('plate corners through the engine (real models, real photos)', () => {
  let engine: RecognitionEngine;
  beforeAll(async () => {
    engine = await RecognitionEngine.create({ threads: 1 });
  });
  afterAll(async () => {
    await engine?.release();
  });

  it('finds corners for verified plates of European scenes: outlines on the box, bounds near the label', async () => {
    expect(engine.findsCorners).toBe(true);
    expect(engine.version).toMatch(/, plate-corners@[^,]+\+[0-9a-f]{8}$/);
    const { samples } = loadScenes(join(DATA, 'scenes-eu'));
    let plates = 0;
    let boundsIou = 0;
    let boxIou = 0;
    for (const s of samples.slice(0, 12)) {
      for (const p of await engine.recognize(s.file)) {
        expect(p.corners, `${s.file}: ${p.text}`).toBeDefined();
        expect(isPlateQuad(p.corners!)).toBe(true);
        expect(iou(quadBounds(p.corners!), p.box)).toBeGreaterThan(0.5);
        const label = s.plates.find((g) => iou(g, p.box) >= 0.5);
        if (!label) continue;
        plates++;
        boundsIou += iou(quadBounds(p.corners!), label);
        boxIou += iou(p.box, label);
      }
    }
    expect(plates).toBeGreaterThanOrEqual(8);
    // the outline's bounds fit the labelled plates at least about as well as the detector's boxes
    expect(boundsIou / plates).toBeGreaterThan(boxIou / plates - 0.05);
  });

  it('turns the outline with the photo', async () => {
    const src = join(DATA, 'scenes-eu', 'eu1.jpg');
    const upright = (await engine.recognize(src)).find((p) => p.text === 'M5XSX');
    expect(upright?.corners).toBeDefined();
    for (const angle of [-8, -5, 5]) {
      const turned = await decodeRgb(await sharp(src).rotate(angle, { background: '#808080' }).jpeg({ quality: 95 }).toBuffer());
      const plate = (await engine.recognize(turned)).find((p) => p.text === 'M5XSX');
      expect(plate?.corners, `turned ${angle}`).toBeDefined();
      // sharp turns clockwise for a positive angle: on screen (y down) the top edge then slopes by +angle
      // (measured: -7.3, -3.6, +4.1 degrees; the box alone says nothing of the angle)
      expect(Math.abs(topEdgeDegrees(plate!.corners!) - topEdgeDegrees(upright!.corners!) - angle)).toBeLessThan(3);
    }
  });

  it('reports the outline\'s bounds as the box when asked (cornerBoxes), the detector\'s box kept beside, readings unchanged', async () => {
    await expect(RecognitionEngine.create({ threads: 1, corners: false, cornerBoxes: true })).rejects.toThrow(/needs corners on/);
    const bounded = await RecognitionEngine.create({ threads: 1, cornerBoxes: true });
    try {
      expect(bounded.readingMethod).toMatch(/\+cornerBoxes/);
      const { samples } = loadScenes(join(DATA, 'scenes-eu'));
      for (const s of samples.slice(0, 6)) {
        const frame = await decodeRgb(s.file);
        const plain = await engine.recognize(frame);
        const got = await bounded.recognize(frame);
        expect(got.map((p) => p.text)).toEqual(plain.map((p) => p.text));
        for (const p of got) {
          expect(p.detectorBox).toEqual(plain.find((q) => q.text === p.text)?.box);
          const b = quadBounds(p.corners!);
          expect(p.box.x).toBeCloseTo(Math.max(0, b.x), 6);
          expect(p.box.x + p.box.w).toBeCloseTo(Math.min(frame.width, b.x + b.w), 6);
          expect(p.box.score).toBe(p.detectorBox!.score);
        }
      }
    } finally {
      await bounded.release();
    }
  });

  it('reads rectified only with corners, and names it in the reading method', async () => {
    await expect(RecognitionEngine.create({ threads: 1, corners: false, rectify: true })).rejects.toThrow(/needs corners on/);
    const without = await RecognitionEngine.create({ threads: 1, corners: false });
    const rectifying = await RecognitionEngine.create({ threads: 1, rectify: true });
    try {
      expect(without.findsCorners).toBe(false);
      expect(without.version).not.toContain('plate-corners');
      expect(rectifying.readingMethod).toContain('+rectified:0.04,0.08');
      const src = join(DATA, 'scenes-eu', 'eu1.jpg');
      const plain = await without.recognize(src);
      expect(plain.every((p) => p.corners === undefined)).toBe(true);
      const read = await rectifying.recognize(src);
      expect(read.map((p) => p.text)).toContain('M5XSX');
    } finally {
      await without.release();
      await rectifying.release();
    }
  });

  it('finds no corners where the models folder has no corner net, and says so when they are asked for', async () => {
    const dir = tempDir('canvass-corners-');
    for (const f of ['plate-detector.onnx', 'plate-detector.json', 'plate-reader.onnx', 'plate-reader.json']) symlinkSync(join(DEFAULT_MODELS_DIR, f), join(dir, f));
    const plain = await RecognitionEngine.create({ threads: 1, modelsDir: dir });
    try {
      expect(plain.findsCorners).toBe(false);
      expect(plain.models.corners).toBeUndefined();
    } finally {
      await plain.release();
    }
    await expect(RecognitionEngine.create({ threads: 1, modelsDir: dir, corners: true })).rejects.toThrow(/model file not found: .*plate-corners\.onnx/);
  });
});
