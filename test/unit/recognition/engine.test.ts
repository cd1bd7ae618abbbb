// RecognitionEngine over the real ONNX models and real images from ../shared/data (issue 3):
// the reader on held-out US crops, the detector on labelled scenes, and clear errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCrops, loadScenes } from '../../../native/eval/datasets';
import { matchBoxes } from '../../../native/eval/metrics';
import { measureSpeed } from '../../../native/eval/speed';
import { iou } from '../../../native/recognition/detector';
import { EDGE_TRIM, INSET_MARGINS, INSET_VOTE, RecognitionEngine, insetRegions } from '../../../native/recognition/index';
import { trimEdge, voteReadings } from '../../../native/recognition/reader';
import { decodeRgb, toPlanar, toPlanarInto } from '../../../native/recognition/preprocess';
import { sharedDataDir } from '../../support/shared-data';
import { tempDir } from '../../support/temp';

const DATA = sharedDataDir();
const US = join(DATA, 'us-plate-crops');

describe('RecognitionEngine (real models, real images)', () => {
  let engine: RecognitionEngine;
  beforeAll(async () => {
    engine = await RecognitionEngine.create({ threads: 1 });
  });
  afterAll(async () => {
    await engine?.release();
  });

  it('exposes model versions and hashes for provenance', () => {
    expect(engine.models.reader.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.models.detector.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.version).toContain('plate-reader@');
    expect(engine.version).toContain(engine.models.detector.sha256.slice(0, 8));
  });

  it('reads most of 20 held-out US crops exactly, with per-character confidences', async () => {
    const crops = loadCrops(US, join(US, 'labels.csv'), 'held-out').slice(0, 20);
    expect(crops).toHaveLength(20);
    let right = 0;
    for (const c of crops) {
      const r = await engine.read(c.file);
      if (r.text === c.text) right++;
      expect(r.charConfidences).toHaveLength(r.text.length);
      // the reading first (an edge trim may put a less probable alternative there), the rest by probability
      expect(r.alternatives[0]?.text).toBe(r.text);
      for (let i = 2; i < r.alternatives.length; i++) {
        expect(r.alternatives[i]!.confidence).toBeLessThanOrEqual(r.alternatives[i - 1]!.confidence);
      }
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1.0001);
    }
    expect(right).toBeGreaterThanOrEqual(16);
  });

  it('finds the labelled plate in scene photos and reads it', async () => {
    const { samples } = loadScenes(join(DATA, 'scenes-eu'));
    const some = samples.slice(0, 6);
    let found = 0;
    for (const s of some) {
      const plates = await engine.recognize(s.file);
      const gt = s.plates[0]!;
      const hit = plates.find((p) => iou(p.box, gt) >= 0.5);
      if (hit) {
        found++;
        expect(hit.box.score).toBeGreaterThan(0);
        expect(hit.text.length).toBeGreaterThan(0);
      }
    }
    expect(found).toBeGreaterThanOrEqual(4);
  });

  it('detects on a night dash-cam frame and in decoded pixels', async () => {
    const { samples } = loadScenes(join(DATA, 'dashcam-ro'));
    const night = samples.filter((s) => s.file.includes('night') && s.plates.length > 0).slice(0, 5);
    let found = 0;
    for (const s of night) {
      const boxes = await engine.detect(s.file);
      if (s.plates.some((g) => boxes.some((b) => iou(b, g) >= 0.3))) found++;
    }
    expect(night.length).toBeGreaterThan(0);
    expect(found).toBeGreaterThanOrEqual(1);
  });

  it('gives the same boxes when frames of two sizes take turns and frames overlap (reused input tensor)', async () => {
    const dash = join(DATA, 'dashcam-ro');
    const frame = await decodeRgb(join(dash, 'dayride_type1_001_t85.jpg'));
    const portrait = await decodeRgb(await sharp(join(dash, 'dayride_type1_001_t343.jpg')).rotate(90).jpeg().toBuffer());
    expect(portrait.height).toBe(frame.width);
    const first = await engine.detect(frame);
    expect(first.length).toBeGreaterThan(0);
    const other = await engine.detect(portrait);
    const [again, overlapped, alsoOther] = await Promise.all([engine.detect(frame), engine.detect(frame), engine.detect(portrait)]);
    expect(again).toEqual(first);
    expect(overlapped).toEqual(first);
    expect(alsoOther).toEqual(other);
  });

  it('fills a reused input tensor exactly as a fresh one, padding zeroed', () => {
    const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const dirty = new Float32Array(3 * 8 * 4).fill(7);
    expect(toPlanarInto(dirty, rgb, 5, 3, 8, 4)).toEqual(toPlanar(rgb, 5, 3, 8, 4));
    expect(() => toPlanarInto(new Float32Array(10), rgb, 5, 3, 8, 4)).toThrow(/tensor of 10 floats/);
  });

  it('rejects a file that is not an image with an error naming the file', async () => {
    const dir = tempDir('canvass-rec-');
    const bad = join(dir, 'not-an-image.jpg');
    writeFileSync(bad, 'plain text, not a JPEG');
    await expect(engine.read(bad)).rejects.toThrow(/not-an-image\.jpg/);
    await expect(engine.recognize(bad)).rejects.toThrow(/cannot decode image .*not-an-image\.jpg/);
    await expect(engine.detect(join(dir, 'missing.jpg'))).rejects.toThrow(/missing\.jpg/);
  });

  it('reads a photo stored sideways with an EXIF orientation tag as it is shown: upright', async () => {
    // the same scene, its pixels stored turned a quarter left and tagged "turn right to show"
    // (orientation 6, as phones write portrait shots); in a 4K copy too, which is also searched in tiles
    const src = join(DATA, 'scenes-eu', 'eu1.jpg');
    const dir = tempDir('canvass-rec-');
    const upright = await engine.recognize(src);
    expect(upright.map((p) => p.text)).toContain('M5XSX');
    for (const [name, size] of [['sideways.jpg', 0], ['sideways-4k.jpg', 3840]] as const) {
      const file = join(dir, name);
      const base = size ? sharp(src).resize(size) : sharp(src);
      await sharp(await base.jpeg({ quality: 95 }).toBuffer()).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(file);
      const stored = await sharp(file).metadata();
      expect([stored.width! < stored.height!, stored.orientation]).toEqual([true, 6]);
      const scale = size ? size / 1000 : 1;
      const read = await engine.recognize(file);
      const plate = read.find((p) => p.text === 'M5XSX');
      expect(plate, JSON.stringify(read.map((p) => p.text))).toBeDefined();
      const want = upright.find((p) => p.text === 'M5XSX')!.box;
      expect(iou(plate!.box, { x: want.x * scale, y: want.y * scale, w: want.w * scale, h: want.h * scale })).toBeGreaterThan(0.8);
      const { width } = await decodeRgb(file);
      expect(width).toBe(size || 1000); // decoded upright: landscape, as shown
    }
  });

  it('times 1080p, 4K (tiled) and a crop for eval --speed', async () => {
    const r = await measureSpeed(engine, join(DATA, 'dashcam-ro', 'dayride_type1_001_t119.jpg'), join(US, 'images', 'ak1165.jpg'), 1);
    for (const t of [r.detect_1080p_ms, r.recognize_1080p_ms, r.detect_4k_ms, r.read_crop_ms, r.read_crop_path_ms, r.read_unsure_crop_ms]) {
      expect(t.best).toBeGreaterThan(0);
      expect(t.best).toBeLessThanOrEqual(t.median);
    }
    expect(r.models).toBe(engine.version);
    expect(r.detector_sizes).toEqual([640]);
    // the 4K frame is also searched in six tiles: several times the work of one 1080p pass
    expect(r.detect_4k_ms.best).toBeGreaterThan(2 * r.detect_1080p_ms.best);
  });

  it('says which model file is missing', async () => {
    const empty = tempDir('canvass-models-');
    await expect(RecognitionEngine.create({ modelsDir: empty })).rejects.toThrow(/plate-detector\.onnx/);
  });
});

/** A 3x3 mosaic of 1280x720 dash-cam frames (3840x2160, real 45-95 px plates), scaled to `width`. */
async function mosaic(width: number): Promise<{ frame: Buffer; gt: { x: number; y: number; w: number; h: number }[] }> {
  const { samples } = loadScenes(join(DATA, 'dashcam-ro'));
  const k = width / 3840;
  const gt: { x: number; y: number; w: number; h: number }[] = [];
  const parts = samples.slice(0, 9).map((s, i) => {
    const left = (i % 3) * 1280;
    const top = Math.floor(i / 3) * 720;
    for (const p of s.plates) gt.push({ x: (p.x + left) * k, y: (p.y + top) * k, w: p.w * k, h: p.h * k });
    return { input: s.file, left, top };
  });
  const full = await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#000' } }).composite(parts).png().toBuffer();
  const frame = await sharp(full).resize(width).jpeg({ quality: 90 }).toBuffer();
  return { frame, gt };
}

describe('RecognitionEngine on a 4K frame', () => {
  it('finds small plates through tiles that one downscaled pass misses', async () => {
    const { frame, gt } = await mosaic(3840);
    const tiled = await RecognitionEngine.create({ threads: 1 });
    const single = await RecognitionEngine.create({ threads: 1, tiles: false });
    try {
      const hits = async (e: RecognitionEngine) => matchBoxes(gt, await e.detect(frame), 0.5).filter((d) => d >= 0).length;
      const withTiles = await hits(tiled);
      const without = await hits(single);
      expect(withTiles).toBeGreaterThanOrEqual(Math.ceil(gt.length * 0.6));
      expect(withTiles).toBeGreaterThan(without);
    } finally {
      await Promise.all([tiled.release(), single.release()]);
    }
  });
});

describe('RecognitionEngine with an extra detector pass (eval --detector-sizes)', () => {
  it('finds 23-47 px plates of a 1080p frame that the 640 pass alone misses, without duplicate boxes', async () => {
    const { frame, gt } = await mosaic(1920);
    const single = await RecognitionEngine.create({ threads: 1 });
    const two = await RecognitionEngine.create({ threads: 1, extraDetectorSizes: [1280] });
    try {
      expect(two.detectorSizes).toEqual([640, 1280]);
      const boxes = await two.detect(frame);
      const hits = async (e: RecognitionEngine) => matchBoxes(gt, await e.detect(frame), 0.5).filter((d) => d >= 0).length;
      expect(await hits(two)).toBeGreaterThan(await hits(single));
      // the passes are merged: a plate found by both passes is reported once
      for (const g of gt) expect(boxes.filter((b) => iou(b, g) >= 0.1).length).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all([single.release(), two.release()]);
    }
  });

  it('a smaller pass finds a close-up plate too large for the 640 pass, and adds only boxes that large', async () => {
    // openimages-plates/train, read by eye (training/labels/openimages-train-text.csv): a Michigan
    // plate 429 px wide whose 640 pass boxes cover only part of it (best IoU 0.40 with the label)
    const photo = join(DATA, 'openimages-plates', 'train', '05c628f6696914f7_jpg.rf.03bf893bae0610db1dd4833e74a812cf.jpg');
    const label = { x: 333, y: 110, w: 429, h: 336 };
    const single = await RecognitionEngine.create({ threads: 1 });
    const closeUp = await RecognitionEngine.create({ threads: 1, extraDetectorSizes: [320] });
    try {
      const one = await single.detect(photo);
      const both = await closeUp.detect(photo);
      expect(one.every((b) => iou(b, label) < 0.5)).toBe(true);
      expect(both.some((b) => iou(b, label) >= 0.5)).toBe(true);
      const read = await closeUp.recognize(photo);
      expect(read.find((p) => iou(p.box, label) >= 0.5)?.text).toBe('HELL');
      // every box the 320 pass adds would be at least 160 px wide at the 640 pass's input (on the
      // second photo an unfiltered 320 pass adds boxes of 48 and 79 px there, matching no plate)
      const other = join(DATA, 'openimages-plates', 'train', '0009c4ddcaab18d3_jpg.rf.e0d824f9e7fb80da765d78cd6ad6d152.jpg');
      for (const p of [photo, other]) {
        const { width, height } = await sharp(p).metadata();
        const at640 = 640 / Math.max(width!, height!);
        const base = await single.detect(p);
        const added = (await closeUp.detect(p)).filter((b) => !base.some((o) => iou(o, b) > 0.99));
        for (const b of added) expect(b.w * at640).toBeGreaterThanOrEqual(160);
      }
    } finally {
      await Promise.all([single.release(), closeUp.release()]);
    }
  });

  it('a close-up box replaces a box of the main pass only when the reader confirms it', async () => {
    // training photos read by eye (openimages-plates/train): the Michigan close-up above, and
    // photos where the 640 pass alone reads plates
    const dir = join(DATA, 'openimages-plates', 'train');
    const photos = [
      '05c628f6696914f7_jpg.rf.03bf893bae0610db1dd4833e74a812cf.jpg',
      '0009c4ddcaab18d3_jpg.rf.e0d824f9e7fb80da765d78cd6ad6d152.jpg',
      '04bc55abd830f147_jpg.rf.2027914edfd634b5cfe9c13363f18bc9.jpg',
      '0f506dd9bcf2a799_jpg.rf.36a3ec6f661ef22dfa9cf209b6e33f3f.jpg',
    ].map((f) => join(dir, f));
    const single = await RecognitionEngine.create({ threads: 1 });
    const closeUp = await RecognitionEngine.create({ threads: 1, extraDetectorSizes: [320] });
    try {
      let replaced = 0;
      for (const p of photos) {
        const one = await single.recognize(p, { keepUnverified: true });
        const both = await closeUp.recognize(p, { keepUnverified: true });
        const added = both.filter((b) => !one.some((o) => iou(o.box, b.box) > 0.99));
        for (const o of one) {
          if (both.some((b) => iou(o.box, b.box) > 0.99)) continue;
          // a box of the main pass is gone only under a confirmed close-up box
          replaced++;
          expect(added.some((b) => b.verified && iou(o.box, b.box) >= 0.4)).toBe(true);
        }
        // an unconfirmed close-up box lies apart from every other box
        for (const b of added.filter((a) => !a.verified)) for (const o of both) if (o !== b) expect(iou(o.box, b.box)).toBeLessThan(0.4);
      }
      expect(replaced).toBeGreaterThan(0); // the Michigan plate's partial boxes
    } finally {
      await Promise.all([single.release(), closeUp.release()]);
    }
  });

  it('refuses an input size that is not a size in pixels', async () => {
    await expect(RecognitionEngine.create({ threads: 1, extraDetectorSizes: [12.5] })).rejects.toThrow(/detector input size .* got 12\.5/);
  });
});

describe('RecognitionEngine reading each box in three crops (crop vote, the default)', () => {
  it('leaves which boxes are plates to the engine\'s own crop, and reads as many labelled plates right', async () => {
    const scenes = loadScenes(join(DATA, 'scenes-eu')).samples.slice(0, 25);
    const voting = await RecognitionEngine.create({ threads: 1 });
    const single = await RecognitionEngine.create({ threads: 1, cropVote: false });
    try {
      expect(voting.votesCrops).toBe(true);
      expect(single.votesCrops).toBe(false);
      let right = { voting: 0, single: 0 };
      let changed = 0;
      for (const s of scenes) {
        const a = await voting.recognize(s.file, { keepUnverified: true });
        const b = await single.recognize(s.file, { keepUnverified: true });
        expect(a.map((p) => [p.box, p.verified])).toEqual(b.map((p) => [p.box, p.verified]));
        a.forEach((p, i) => (changed += p.text === b[i]!.text ? 0 : 1));
        const hit = (plates: typeof a) => s.plates.filter((g) => plates.some((p) => p.verified && iou(p.box, g) >= 0.5 && p.text === g.text)).length;
        right = { voting: right.voting + hit(a), single: right.single + hit(b) };
      }
      expect(changed).toBeGreaterThan(0); // the vote did take part
      expect(right.voting).toBeGreaterThanOrEqual(right.single);
    } finally {
      await Promise.all([voting.release(), single.release()]);
    }
  });
});

describe('RecognitionEngine with the edge trim (the default since session 10)', () => {
  it('changes only the text of confirmed plates, to one of their own alternatives one character shorter', async () => {
    const scenes = loadScenes(join(DATA, 'scenes-eu')).samples.slice(0, 30);
    const off = await RecognitionEngine.create({ threads: 1, edgeTrim: 0 });
    const on = await RecognitionEngine.create({ threads: 1 });
    try {
      expect(off.readingMethod).toBe('vote:0.04,0,0.1');
      let trimmed = 0;
      for (const s of scenes) {
        const a = await off.recognize(s.file, { keepUnverified: true });
        const b = await on.recognize(s.file, { keepUnverified: true });
        expect(b.map((p) => [p.box, p.verified])).toEqual(a.map((p) => [p.box, p.verified]));
        b.forEach((p, j) => {
          const before = a[j]!;
          if (p.text === before.text) return;
          trimmed++;
          expect(p.verified).toBe(true);
          expect(p.text.length).toBe(before.text.length - 1);
          expect([before.text.slice(1), before.text.slice(0, -1)]).toContain(p.text);
          expect(before.alternatives.map((x) => x.text)).toContain(p.text);
          expect(p.charConfidences).toHaveLength(p.text.length);
        });
      }
      expect(trimmed).toBeGreaterThan(0); // scenes-eu plates have a country band at their left edge
    } finally {
      await Promise.all([off.release(), on.release()]);
    }
    await expect(RecognitionEngine.create({ threads: 1, edgeTrim: 2 })).rejects.toThrow(/edgeTrim must be a confidence from 0 to 1, got 2/);
  });
});

describe('RecognitionEngine reading an unsure crop again inset (the inset vote, default since session 13)', () => {
  it('votes the whole crop with its two insets only when a character is unsure, and leaves sure readings as they were', async () => {
    const off = await RecognitionEngine.create({ threads: 1, insetVote: 0 });
    const on = await RecognitionEngine.create({ threads: 1 });
    const raw = await RecognitionEngine.create({ threads: 1, insetVote: 0, edgeTrim: 0 });
    try {
      expect(on.cropReadingMethod).toBe(`whole+insets:${INSET_MARGINS.join(',')}@${INSET_VOTE}+trim0.8`);
      expect(off.cropReadingMethod).toBe('whole+trim0.8');
      let voted = 0;
      let sure = 0;
      for (const c of loadCrops(US, join(US, 'labels.csv'), 'held-out').slice(0, 12)) {
        // each crop as it is, and shrunk to 32 px wide and back (made blurry: its reading unsure)
        const { width, height } = await sharp(c.file).metadata();
        const blurry = await sharp(await sharp(c.file).resize(32).toBuffer()).resize(width, height, { fit: 'fill' }).png().toBuffer();
        for (const input of [c.file, blurry]) {
          const img = await decodeRgb(input);
          const [whole] = await raw.readRegions(img, [{ x: 0, y: 0, w: img.width, h: img.height }]);
          const got = await on.readCrop(img);
          if (whole!.charConfidences.length > 0 && Math.min(...whole!.charConfidences) >= INSET_VOTE) {
            sure++;
            expect(got).toEqual(await off.readCrop(img));
            continue;
          }
          voted++;
          const insets = await raw.readRegions(img, insetRegions(img.width, img.height));
          expect(insetRegions(img.width, img.height).map((r) => r.x)).toEqual(INSET_MARGINS.map((i) => img.width * i));
          const want = trimEdge(voteReadings([whole!, ...insets]), EDGE_TRIM);
          expect(got).toEqual(want);
          expect(got.charConfidences).toHaveLength(got.text.length);
        }
      }
      expect(voted).toBeGreaterThan(0);
      expect(sure).toBeGreaterThan(0);
    } finally {
      await Promise.all([off.release(), on.release(), raw.release()]);
    }
    await expect(RecognitionEngine.create({ threads: 1, insetVote: -1 })).rejects.toThrow(/insetVote must be a confidence from 0 to 1, got -1/);
  });
});

describe('RecognitionEngine with a verification floor (minVerifyWidth)', () => {
  it('never confirms a box narrower than the floor and leaves every other box as it was', async () => {
    const scenes = loadScenes(join(DATA, 'scenes-eu')).samples.slice(0, 6);
    const plain = await RecognitionEngine.create({ threads: 1 });
    const base = await Promise.all(scenes.map((s) => plain.recognize(s.file, { keepUnverified: true })));
    const widths = base.flat().filter((p) => p.verified).map((p) => p.box.w).sort((a, b) => a - b);
    // a floor between the narrowest and the widest confirmed box, so both sides are exercised
    const floor = Math.ceil(widths[Math.floor(widths.length / 2)]!);
    const floored = await RecognitionEngine.create({ threads: 1, minVerifyWidth: floor });
    try {
      expect(plain.readingMethod).toBe('vote:0.04,0,0.1+trim0.8');
      expect(floored.readingMethod).toBe(`vote:0.04,0,0.1+min${floor}+trim0.8`);
      let dropped = 0;
      let kept = 0;
      for (const [i, s] of scenes.entries()) {
        const got = await floored.recognize(s.file, { keepUnverified: true });
        expect(got.map((p) => p.box)).toEqual(base[i]!.map((p) => p.box));
        got.forEach((p, j) => {
          const before = base[i]![j]!;
          expect(p.verified).toBe(before.verified && before.box.w >= floor);
          if (before.verified) (p.verified ? kept++ : dropped++);
          if (p.verified) expect(p.text).toBe(before.text);
        });
      }
      expect(dropped).toBeGreaterThan(0);
      expect(kept).toBeGreaterThan(0);
    } finally {
      await Promise.all([plain.release(), floored.release()]);
    }
  });
});

describe('RecognitionEngine with a second reader in the crop vote (voteReader)', () => {
  it('votes each box over its own crops only, leaves detection alone, and reads a crop with the first reader only', async () => {
    // three different plates on one frame: if the second reader's readings were handed to the
    // wrong box, a box would be outvoted by another plate's text
    const files = ['ak1165.jpg', 'ak399.jpg', 'ca359.jpg'].map((f) => join(US, 'images', f));
    const tiles = await Promise.all(files.map((f) => sharp(f).resize(300).toBuffer()));
    const frame = await sharp({ create: { width: 1500, height: 500, channels: 3, background: { r: 70, g: 75, b: 80 } } })
      .composite(tiles.map((input, i) => ({ input, left: 100 + i * 480, top: 150 })))
      .jpeg({ quality: 95 })
      .toBuffer();
    const one = await RecognitionEngine.create({ threads: 1 });
    // the shipped reader as its own partner: every text gets its own votes twice, so nothing may change
    const two = await RecognitionEngine.create({ threads: 1, voteReader: one.models.reader.file });
    try {
      expect(two.readingMethod).toBe(`vote:0.04,0,0.1+reader:${one.models.reader.sha256.slice(0, 8)}+trim0.8`);
      const a = await one.recognize(frame, { keepUnverified: true });
      const b = await two.recognize(frame, { keepUnverified: true });
      expect(b.map((p) => [p.box, p.verified, p.text])).toEqual(a.map((p) => [p.box, p.verified, p.text]));
      const texts = a.filter((p) => p.verified).map((p) => p.text);
      expect(new Set(texts).size).toBeGreaterThanOrEqual(2);
      expect(texts).toEqual(expect.arrayContaining(['FUW999', 'FGJ235']));
      expect((await two.read(files[0]!)).text).toBe((await one.read(files[0]!)).text);
      await expect(RecognitionEngine.create({ threads: 1, voteReader: '/nonexistent/reader.onnx' })).rejects.toThrow(/model file not found: \/nonexistent\/reader.onnx/);
      await expect(RecognitionEngine.create({ threads: 1, cropVote: false, voteReader: one.models.reader.file })).rejects.toThrow(/does nothing with cropVote off/);
    } finally {
      await Promise.all([one.release(), two.release()]);
    }
  });
});
