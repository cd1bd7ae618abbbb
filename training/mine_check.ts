// Stage `mine-check`: the real boxes the plate check (train_check.py) learns from. Runs the
// shipped engine over openimages-plates/train (the detector's training images; validation sets
// are never read here) with the 960 and 320 passes beside the main one and every box kept, read or
// not, and writes each box's crop exactly as the engine will give it to the check (the corner
// net's region, `greyCrop`, grey 128 x 64, stored as bytes) with what it is:
//   - a detector box with IoU >= 0.5 with a labelled plate: a plate (kind "det");
//   - a detector box with IoU < 0.2 with every labelled plate: not a plate (kind "det");
//     boxes in between are left out;
//   - each labelled plate box, and JITTER copies with its edges moved as a detector's would be
//     (kinds "label", "jitter"): plates.
// Images whose index in file-name order is a multiple of FIT_EVERY are the fit split: mined the
// same way but only for the rule's precondition (training/README.md "Session 16"), never trained on.
//
// node --import tsx training/mine_check.ts [--limit N]
// Output: training/work/check/crops.u8 (N x 64 x 128 bytes) and training/work/check/boxes.json;
// training/work/check/fit-scenes/ (the fit images, linked, with their COCO boxes) for measuring the
// check with `canvass eval --scenes` as the engine runs it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rng as uniform } from '../bench/canvass/synth';
import { CORNER_H, CORNER_W, cornerRegion } from '../native/recognition/corners';
import { RecognitionEngine } from '../native/recognition/index';
import { decodeRgb, greyCrop, type Rect } from '../native/recognition/preprocess';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = process.env.CANVASS_WORK ?? join(ROOT, 'training', 'work');
const DATA = process.env.CANVASS_DATA ?? join(ROOT, '..', 'shared', 'data');
export const FIT_EVERY = 5;
const JITTER = 3;
const PLATE_IOU = 0.5;
const NOT_PLATE_IOU = 0.2;

interface Coco {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; bbox: [number, number, number, number] }[];
  categories?: unknown[];
}

/** The fit images as a scene folder of their own (links to the photos, a COCO file of their boxes). */
function writeFitScenes(src: string, coco: Coco, fit: Coco['images'], dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const ids = new Set(fit.map((im) => im.id));
  for (const im of fit) symlinkSync(join(src, im.file_name), join(dir, im.file_name));
  writeFileSync(join(dir, '_annotations.coco.json'), JSON.stringify({ ...coco, images: fit, annotations: coco.annotations.filter((a) => ids.has(a.image_id)) }));
}

export interface MinedBox {
  file: string;
  split: 'train' | 'fit';
  kind: 'det' | 'label' | 'jitter';
  plate: boolean;
  iou: number;
  verified: boolean;
  text: string;
  confidence: number;
  box: Rect;
}

function iou(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a.w * a.h + b.w * b.h - w * h);
}

/** A labelled box with each edge moved by up to 10% of the width / 18% of the height. */
function jitter(b: Rect, rnd: () => number): Rect {
  const dx1 = (rnd() - 0.5) * 0.2 * b.w;
  const dx2 = (rnd() - 0.5) * 0.2 * b.w;
  const dy1 = (rnd() - 0.5) * 0.36 * b.h;
  const dy2 = (rnd() - 0.5) * 0.36 * b.h;
  return { x: b.x + dx1, y: b.y + dy1, w: Math.max(2, b.w - dx1 + dx2), h: Math.max(2, b.h - dy1 + dy2) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string', default: '0' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`--limit must be a whole number, got ${values.limit}`);
  const src = join(DATA, 'openimages-plates', 'train');
  const coco = JSON.parse(readFileSync(join(src, '_annotations.coco.json'), 'utf8')) as Coco;
  const images = [...coco.images].sort((a, b) => (a.file_name < b.file_name ? -1 : a.file_name > b.file_name ? 1 : 0));
  // the models the pipeline exported (CANVASS_MODELS, as training/common.py), else models/; never the check itself
  const engine = await RecognitionEngine.create({ threads: 2, extraDetectorSizes: [960, 320], corners: false, plateCheck: false, ...(process.env.CANVASS_MODELS ? { modelsDir: process.env.CANVASS_MODELS } : {}) });
  const out = join(WORK, 'check');
  mkdirSync(out, { recursive: true });
  const rows: MinedBox[] = [];
  const crops: Uint8Array[] = [];
  const plane = CORNER_W * CORNER_H;
  const buf = new Float32Array(plane);
  const rnd = uniform(7); // seeded: the mined set is the same every run
  const chosen = limit > 0 ? images.slice(0, limit) : images;
  for (const [index, im] of chosen.entries()) {
    const split = index % FIT_EVERY === 0 ? 'fit' : 'train';
    const labels: Rect[] = coco.annotations.filter((a) => a.image_id === im.id).map((a) => ({ x: a.bbox[0], y: a.bbox[1], w: a.bbox[2], h: a.bbox[3] }));
    const path = join(src, im.file_name);
    const frame = await decodeRgb(path);
    const found = await engine.recognize(frame, { keepUnverified: true });
    const add = (row: Omit<MinedBox, 'file' | 'split'>) => {
      greyCrop(frame, cornerRegion(row.box), CORNER_W, CORNER_H, buf);
      crops.push(Uint8Array.from(buf, (v) => Math.max(0, Math.min(255, Math.round(v * 255)))));
      rows.push({ file: im.file_name, split, ...row });
    };
    for (const p of found) {
      const best = Math.max(0, ...labels.map((l) => iou(p.box, l)));
      if (best >= NOT_PLATE_IOU && best < PLATE_IOU) continue;
      add({ kind: 'det', plate: best >= PLATE_IOU, iou: best, verified: p.verified, text: p.text, confidence: p.confidence, box: { x: p.box.x, y: p.box.y, w: p.box.w, h: p.box.h } });
    }
    for (const l of labels) {
      if (l.w < 4 || l.h < 2) continue;
      add({ kind: 'label', plate: true, iou: 1, verified: false, text: '', confidence: 0, box: l });
      for (let j = 0; j < JITTER; j++) {
        const b = jitter(l, rnd);
        add({ kind: 'jitter', plate: true, iou: iou(b, l), verified: false, text: '', confidence: 0, box: b });
      }
    }
    if ((index + 1) % 100 === 0) console.log(`${index + 1} / ${chosen.length} images, ${rows.length} boxes`);
  }
  await engine.release();
  const all = new Uint8Array(crops.length * plane);
  crops.forEach((c, i) => all.set(c, i * plane));
  writeFileSync(join(out, 'crops.u8.tmp'), all);
  writeFileSync(join(out, 'boxes.json.tmp'), JSON.stringify({ width: CORNER_W, height: CORNER_H, fitEvery: FIT_EVERY, limit, models: engine.version, boxes: rows }));
  writeFitScenes(src, coco, chosen.filter((_, i) => i % FIT_EVERY === 0), join(out, 'fit-scenes'));
  renameSync(join(out, 'crops.u8.tmp'), join(out, 'crops.u8'));
  renameSync(join(out, 'boxes.json.tmp'), join(out, 'boxes.json'));
  const count = (f: (r: MinedBox) => boolean) => rows.filter(f).length;
  console.log(JSON.stringify({
    images: chosen.length,
    boxes: rows.length,
    train: { plates: count((r) => r.split === 'train' && r.plate), not_plates: count((r) => r.split === 'train' && !r.plate), confirmed_not_plates: count((r) => r.split === 'train' && !r.plate && r.verified) },
    fit: { plates: count((r) => r.split === 'fit' && r.plate), not_plates: count((r) => r.split === 'fit' && !r.plate), confirmed_not_plates: count((r) => r.split === 'fit' && !r.plate && r.verified) },
  }));
}

await main();
