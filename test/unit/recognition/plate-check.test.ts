// The plate check's engine half (native/recognition/check.ts): a box the reader confirmed stays a
// plate only if the check's probability reaches PLATE_CHECK_THRESHOLD. No trained check ships (the
// candidates failed their release checks: training/README.md "Session 16"), so these tests build
// small real ONNX models of known behaviour with python3-onnx (a crop's mean grey, or a constant) and
// run them through onnxruntime, the engine and the eval CLI: the veto's path, not a model's accuracy.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATE_CHECK_THRESHOLD, PlateCheck } from '../../../native/recognition/check';
import { CORNER_H, CORNER_W } from '../../../native/recognition/corners';
import { iou } from '../../../native/recognition/detector';
import { DEFAULT_MODELS_DIR, RecognitionEngine } from '../../../native/recognition/index';
import { createRecognizer } from '../../../native/footage/engine';
import { decodeRgb, type RgbImage } from '../../../native/recognition/preprocess';
import { sharedData, sharedDataDir } from '../../support/shared-data';
import { tempDir } from '../../support/temp';

const DIR = tempDir('canvass-check-');

/** A check model: `mean` says each crop's mean grey (0..1); a number says that for every crop; `rows`
 * is a broken one that answers each crop row's mean (64 values a box). */
function checkModel(kind: 'mean' | 'rows' | number): string {
  const file = join(DIR, `check-${kind}.onnx`);
  const script = `
import sys, onnx
from onnx import helper, TensorProto
kind, out = sys.argv[1], sys.argv[2]
x = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, ${CORNER_H}, ${CORNER_W}])
y = helper.make_tensor_value_info("plate", TensorProto.FLOAT, ["N", ${CORNER_H}] if kind == "rows" else ["N"])
nodes = [helper.make_node("ReduceMean", ["image"], ["m" if kind not in ("mean", "rows") else "plate"], axes=[1, 3] if kind == "rows" else [1, 2, 3], keepdims=0)]
inits = []
if kind not in ("mean", "rows"):
    inits = [helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]), helper.make_tensor("c", TensorProto.FLOAT, [], [float(kind)])]
    nodes += [helper.make_node("Mul", ["m", "zero"], ["z"]), helper.make_node("Add", ["z", "c"], ["plate"])]
m = helper.make_model(helper.make_graph(nodes, "check", [x], [y], inits), opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, String(kind), file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${file}: ${r.stderr}`);
  return file;
}

/** 200 x 100 px: white on the left half, black on the right. */
function halves(): RgbImage {
  const width = 200;
  const height = 100;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width / 2; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

describe('PlateCheck (real onnxruntime, built models)', () => {
  it('scores each box of a frame on the corner net\'s crop, in one batch, in order', async () => {
    const check = await PlateCheck.load(checkModel('mean'), { threads: 1 });
    try {
      const frame = halves();
      // boxes whose widened crops stay inside one half; a crop crossing the middle is half white
      const [white, black, middle] = await check.score(frame, [{ x: 20, y: 30, w: 40, h: 20 }, { x: 130, y: 30, w: 40, h: 20 }, { x: 75, y: 30, w: 50, h: 20 }]);
      expect(white).toBeCloseTo(1, 3);
      expect(black).toBeCloseTo(0, 3);
      expect(middle).toBeGreaterThan(0.4);
      expect(middle).toBeLessThan(0.6);
      expect(await check.score(frame, [])).toEqual([]);
    } finally {
      await check.release();
    }
  });

  it('names a model whose answer is not one probability a box', async () => {
    const box = { x: 20, y: 30, w: 40, h: 20 };
    for (const [model, msg] of [[checkModel('rows'), /gave 128 values for 2 boxes/], [checkModel(1.5), /gave 1\.5, not a probability from 0 to 1/]] as const) {
      const check = await PlateCheck.load(model, { threads: 1 });
      try {
        await expect(check.score(halves(), [box, box])).rejects.toThrow(msg);
      } finally {
        await check.release();
      }
    }
  });

  it('names a model without the "plate" output', async () => {
    // the corner net takes the same input and answers "corners"
    const wrong = await PlateCheck.load(join(DEFAULT_MODELS_DIR, 'plate-corners.onnx'), { threads: 1 });
    try {
      await expect(wrong.score(halves(), [{ x: 20, y: 30, w: 40, h: 20 }])).rejects.toThrow(/plate-check model has no "plate" output/);
    } finally {
      await wrong.release();
    }
  });
});

describe('plate check through the engine (real detector, reader and photos)', () => {
  const photo = sharedData('scenes-eu', 'eu1.jpg');
  let without: RecognitionEngine;
  let refuses: RecognitionEngine;
  let passes: RecognitionEngine;
  beforeAll(async () => {
    [without, refuses, passes] = await Promise.all([
      RecognitionEngine.create({ threads: 1 }),
      RecognitionEngine.create({ threads: 1, plateCheck: checkModel(PLATE_CHECK_THRESHOLD / 2) }),
      RecognitionEngine.create({ threads: 1, plateCheck: checkModel(0.9) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([without?.release(), refuses?.release(), passes?.release()]);
  });

  it('is off by default, since models/ ships no check; asked for by path, it says so in the version and reading method', () => {
    expect(existsSync(join(DEFAULT_MODELS_DIR, 'plate-check.onnx'))).toBe(false);
    expect(without.checksPlates).toBe(false);
    expect(without.version).not.toMatch(/plate-check/);
    expect(without.readingMethod).not.toMatch(/check/);
    expect(refuses.checksPlates).toBe(true);
    expect(refuses.version).toMatch(/, plate-corners@[^,]+, plate-check@unversioned\+[0-9a-f]{8}$/);
    expect(refuses.readingMethod).toMatch(/^vote:0\.04,0,0\.1\+check0\.2\+trim0\.8$/);
  });

  it('a vetoed box stays as an unverified detection with its probability, without corners; a passed one is unchanged', async () => {
    const plain = await without.recognize(photo);
    expect(plain.length).toBeGreaterThan(0);
    const vetoed = await refuses.recognize(photo, { keepUnverified: true });
    const kept = await passes.recognize(photo);
    expect(await refuses.recognize(photo)).toEqual([]);
    for (const p of plain) {
      const v = vetoed.find((q) => iou(q.box, p.box) > 0.99)!;
      expect(v.verified).toBe(false);
      expect(v.plateCheck).toBeCloseTo(PLATE_CHECK_THRESHOLD / 2, 5);
      expect(v.corners).toBeUndefined();
      const k = kept.find((q) => iou(q.box, p.box) > 0.99)!;
      expect({ ...k, plateCheck: undefined }).toEqual({ ...p, plateCheck: undefined });
      expect(k.plateCheck).toBeCloseTo(0.9, 5);
    }
    // boxes the reader did not confirm are never checked
    const unconfirmed = vetoed.filter((r) => !plain.some((p) => iou(p.box, r.box) > 0.99));
    expect(unconfirmed.length).toBeGreaterThan(0);
    for (const q of unconfirmed) expect(q.plateCheck).toBeUndefined();
  });

  it('canvass eval runs a candidate check by its path and reports what it vetoed; bad values are named', () => {
    const canvass = (args: string[]) => spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'bin', 'canvass.js'), 'eval', ...args], { encoding: 'utf8' });
    const scenes = ['--scenes', join(sharedDataDir(), 'scenes-eu'), '--limit', '2', '--json', '--threads', '1'];
    const r = canvass([...scenes, '--plate-check', checkModel(PLATE_CHECK_THRESHOLD / 2)]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.plate_check.threshold).toBe(PLATE_CHECK_THRESHOLD);
    expect(report.plate_check.checked).toBeGreaterThan(0);
    expect(report.plate_check.vetoed).toBe(report.plate_check.checked); // every confirmed box refused
    expect(report.plate_check.vetoed_labelled).toBeGreaterThan(0); // the plates among them
    expect(report.detections).toBe(0);
    expect(report.reading_method).toMatch(/\+check0\.2/);
    const plain = JSON.parse(canvass(scenes).stdout);
    expect(plain.plate_check).toBeUndefined();
    expect(plain.detections).toBe(report.plate_check.checked);
    expect(canvass([...scenes, '--plate-check', 'maybe']).stderr).toMatch(/--plate-check: "maybe" is neither on, off nor a plate check model file/);
    expect(canvass([...scenes, '--plate-check', 'on']).stderr).toMatch(/model file not found: .*plate-check\.onnx/);
    const crops = canvass(['--crops', join(sharedDataDir(), 'us-plate-crops'), '--labels', join(sharedDataDir(), 'us-plate-crops', 'labels.csv'), '--limit', '2', '--plate-check', 'off']);
    expect(crops.stderr).toMatch(/--plate-check: scenes only/);
  });

  it('footage drops the boxes a check vetoed (a badge tracked through a clip cannot become a read), keeps the rest', async () => {
    const frame = await decodeRgb(photo);
    const [plain, refusing] = await Promise.all([createRecognizer({ minScore: 0 }), createRecognizer({ minScore: 0, plateCheck: checkModel(PLATE_CHECK_THRESHOLD / 2) })]);
    try {
      const all = await plain.recognize(frame);
      const left = await refusing.recognize(frame);
      const confirmed = await without.recognize(photo);
      expect(confirmed.length).toBeGreaterThan(0);
      // footage tracks unconfirmed boxes too: only the confirmed (then vetoed) ones are gone
      expect(left.length).toBe(all.length - confirmed.length);
      for (const c of confirmed) expect(left.some((h) => iou(h.box, c.box) > 0.99)).toBe(false);
      expect(refusing.versions.check).toMatch(/^plate-check@unversioned\+[0-9a-f]{8}$/);
      expect(refusing.versions.reading).toMatch(/\+check0\.2/);
    } finally {
      await Promise.all([plain.close?.(), refusing.close?.()]);
    }
  });

  it('names a missing model file when a check is asked for', async () => {
    const dir = tempDir('canvass-check-models-');
    for (const f of ['plate-detector.onnx', 'plate-reader.onnx']) copyFileSync(join(DEFAULT_MODELS_DIR, f), join(dir, f));
    await expect(RecognitionEngine.create({ modelsDir: dir, threads: 1, plateCheck: true })).rejects.toThrow(/model file not found: .*plate-check\.onnx/);
    await expect(RecognitionEngine.create({ threads: 1, plateCheck: join(dir, 'nowhere.onnx') })).rejects.toThrow(/model file not found: .*nowhere\.onnx/);
    await expect(RecognitionEngine.create({ threads: 1, plateCheck: ' ' })).rejects.toThrow(/plateCheck: give the path of a plate check model/);
    // a models folder that has one turns it on by default
    copyFileSync(checkModel(0.9), join(dir, 'plate-check.onnx'));
    const found = await RecognitionEngine.create({ modelsDir: dir, threads: 1 });
    try {
      expect(found.checksPlates).toBe(true);
    } finally {
      await found.release();
    }
  });
});
